namespace Portal.Sip.Dialplans;

/// <summary>
/// A mistake in a dialplan's source: the 1-based <paramref name="Line"/> and <paramref name="Column"/> of the
/// offending token and a message that tells the user what to write instead.
/// </summary>
public sealed record DialplanError(int Line, int Column, string Message)
{
    /// <summary><c>line:column: message</c>, the form the admin command prints.</summary>
    public override string ToString() => $"{Line}:{Column}: {Message}";
}

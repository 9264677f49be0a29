namespace Portal.Sip.Dialplans;

/// <summary>
/// Something in a dialplan's source that can be saved but will not work as written — e.g. a leg the service's
/// direct-dialling policy refuses — at the 1-based <paramref name="Line"/> and <paramref name="Column"/>.
/// </summary>
public sealed record DialplanWarning(int Line, int Column, string Message)
{
    /// <summary><c>line:column: warning: message</c>, the form the admin command prints.</summary>
    public override string ToString() => $"{Line}:{Column}: warning: {Message}";
}

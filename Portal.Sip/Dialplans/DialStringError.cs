namespace Portal.Sip.Dialplans;

/// <summary>A mistake in a dial string, at the 1-based <paramref name="Column"/> of the offending character.</summary>
public sealed record DialStringError(int Column, string Message)
{
    /// <summary><c>column: message</c>.</summary>
    public override string ToString() => $"{Column}: {Message}";
}

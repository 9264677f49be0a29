namespace Portal.Sip.Dialplans;

/// <summary>
/// The <c>[k=v,...]</c> options of a dial-string leg (DESIGN §6); null means not given.
/// </summary>
/// <param name="FromUser"><c>fu</c>: the From user part the called party sees, %-escapes resolved.</param>
/// <param name="FromDisplayName"><c>fd</c>: the From display name (no quotes, backslashes or control characters).</param>
/// <param name="FromHost"><c>fh</c>: the From host.</param>
/// <param name="RingSeconds"><c>rt</c>: how long this leg rings, 1–600.</param>
/// <param name="MaxCallSeconds"><c>cd</c>: the longest this leg's call may last once answered, 1–86400.</param>
/// <param name="DelaySeconds"><c>dt</c>: how long to wait before ringing this leg, 0–600.</param>
public sealed record DialLegOptions(
    string? FromUser = null,
    string? FromDisplayName = null,
    string? FromHost = null,
    int? RingSeconds = null,
    int? MaxCallSeconds = null,
    int? DelaySeconds = null)
{
    /// <summary>A leg without options.</summary>
    public static DialLegOptions None { get; } = new();
}

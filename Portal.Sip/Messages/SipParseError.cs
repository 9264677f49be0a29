namespace Portal.Sip.Messages;

/// <summary>
/// Why a message was refused, as the status line to answer with: 400 with a reason phrase naming the problem
/// (RFC 3261 §21.4.1 lets the phrase carry detail), 505 for an unsupported SIP version (§21.5.6), or 513 for a
/// message over the size limit (§21.4.27).
/// </summary>
public sealed record SipParseError(int StatusCode, string ReasonPhrase)
{
    internal static SipParseError BadRequest(string problem) => new(400, "Bad Request - " + problem);

    internal static SipParseError Malformed(string headerName) => new(400, $"Bad Request - Malformed {headerName} header");

    public override string ToString() => $"{StatusCode} {ReasonPhrase}";
}

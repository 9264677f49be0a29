namespace Portal.Sip.Registrar;

/// <summary>
/// One registered contact of an account (RFC 3261 §10.3). <see cref="Path"/> is the REGISTER's Path header values
/// (RFC 3327), comma-separated in their order, the route requests to this contact take; null without any.
/// </summary>
public sealed record SipBindingRecord(
    string ContactUri,
    string ReceivedFrom,
    string? UserAgent,
    DateTime ExpiresAt,
    string CallId,
    int CSeq,
    string? Path = null);

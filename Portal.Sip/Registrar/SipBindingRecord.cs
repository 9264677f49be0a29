namespace Portal.Sip.Registrar;

/// <summary>One registered contact of an account (RFC 3261 §10.3).</summary>
public sealed record SipBindingRecord(
    string ContactUri,
    string ReceivedFrom,
    string? UserAgent,
    DateTime ExpiresAt,
    string CallId,
    int CSeq);

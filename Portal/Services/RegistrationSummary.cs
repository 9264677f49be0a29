namespace Portal.Services;

/// <summary>
/// A phone registered to one of the caller's SIP accounts, as the SIP accounts page shows it: its Contact, the
/// address and transport its REGISTER came from (where calls to it go), whether it sits behind NAT, its user agent,
/// when it expires, and since when it stopped answering keep-alives (then it is not rung).
/// </summary>
public sealed record RegistrationSummary(
    int SipAccountId,
    string ContactUri,
    string ReceivedFrom,
    string? UserAgent,
    DateTime ExpiresAt,
    string Transport = "UDP",
    bool IsBehindNat = false,
    DateTime? UnreachableSince = null);

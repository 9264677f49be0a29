namespace Portal.Services;

/// <summary>A phone registered to one of the caller's SIP accounts, as the SIP accounts page shows it.</summary>
public sealed record RegistrationSummary(int SipAccountId, string ContactUri, string ReceivedFrom, string? UserAgent, DateTime ExpiresAt);

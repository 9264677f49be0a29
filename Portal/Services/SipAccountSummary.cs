namespace Portal.Services;

public sealed record SipAccountSummary(
    int Id,
    string Username,
    string? OutDialplanName,
    string? InDialplanName,
    bool IsDisabled,
    bool IsIncomingOnly,
    DateTime CreatedAt,
    bool CallersMayTransfer = false);

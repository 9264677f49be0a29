namespace Portal.Services;

public sealed record UserSummary(
    string Id,
    string UserName,
    string? Email,
    bool IsAdmin,
    bool IsSuspended,
    string? SuspendedReason,
    DateTime CreatedAt,
    DateTimeOffset? LockoutEnd,
    int? MaxConcurrentCalls = null,
    int? MaxCallsPerHour = null,
    int? MaxCallsPerDay = null);

namespace Portal.Services;

/// <summary>
/// What the Home page shows: live registrations, today's calls, calls per hour over the last day, and the calls
/// refused in the last day for passing a velocity limit (newest first, at most five).
/// </summary>
public sealed record DashboardStats(int SipAccounts, int RegistrationsNow, int CallsToday, IReadOnlyList<HourlyCalls> LastDay,
    IReadOnlyList<CallLimitNotice>? CallLimitNotices = null);

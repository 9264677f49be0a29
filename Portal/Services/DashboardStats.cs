namespace Portal.Services;

/// <summary>What the Home page shows: live registrations, today's calls, and calls per hour over the last day.</summary>
public sealed record DashboardStats(int SipAccounts, int RegistrationsNow, int CallsToday, IReadOnlyList<HourlyCalls> LastDay);

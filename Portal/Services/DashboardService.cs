using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls;

namespace Portal.Services;

/// <summary>The caller's numbers for the Home page, each one query against indexed columns, and their recent call-limit refusals.</summary>
public sealed class DashboardService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<DashboardStats> GetAsync(PortalCaller caller, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var thisHour = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
        var firstHour = thisHour.AddHours(-23);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var accounts = await db.SipAccounts.CountAsync(a => a.OwnerId == caller.UserId, cancellationToken);
        var registrations = await db.SipBindings.CountAsync(b => b.SipAccount!.OwnerId == caller.UserId && b.ExpiresAt > now, cancellationToken);
        var today = await db.CallRecords.CountAsync(c => c.OwnerId == caller.UserId && c.StartedAt >= now.Date, cancellationToken);
        var starts = await db.CallRecords.Where(c => c.OwnerId == caller.UserId && c.StartedAt >= firstHour)
            .Select(c => c.StartedAt).ToListAsync(cancellationToken);
        var perHour = Enumerable.Range(0, 24)
            .Select(i => firstHour.AddHours(i))
            .Select(hour => new HourlyCalls(hour, starts.Count(s => s >= hour && s < hour.AddHours(1))))
            .ToList();
        var since = now.AddDays(-1);
        var limits = await db.AuditEntries.AsNoTracking()
            .Where(a => a.OwnerId == caller.UserId && a.Action == CallRefusal.CallLimitReached && a.At >= since)
            .OrderByDescending(a => a.At).Take(5)
            .Select(a => new CallLimitNotice(a.At, a.Detail ?? a.Action))
            .ToListAsync(cancellationToken);
        return new DashboardStats(accounts, registrations, today, perHour, limits);
    }
}

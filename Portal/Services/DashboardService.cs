using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Services;

/// <summary>The caller's numbers for the Home page, each one query against indexed columns.</summary>
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
        return new DashboardStats(accounts, registrations, today, perHour);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Retention;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Retention;

public sealed class RetentionPurgeTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(Now));
    private PortalTestHost host = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private RetentionPurge Purge(int callDays = 365, int auditDays = 730) => new(host.Get<IDbContextFactory<PortalDbContext>>(),
        Options.Create(new RetentionOptions { CallRecordsDays = callDays, AuditDays = auditDays, BatchPauseMilliseconds = 0 }), time,
        NullLogger<RetentionPurge>.Instance);

    private async Task AddCallsAsync(int count, DateTime startedAt, bool open = false, string prefix = "c")
    {
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        for (var i = 0; i < count; i++)
        {
            db.CallRecords.Add(new CallRecord
            {
                OwnerId = alice.UserId, CallerCallId = $"{prefix}{i}", From = "alice", To = "232", StartedAt = startedAt,
                EndedAt = open ? null : startedAt.AddMinutes(1), Status = open ? CallStatus.Answered : CallStatus.Completed,
            });
        }

        await db.SaveChangesAsync();
    }

    private async Task AddAuditAsync(string target, DateTime at)
    {
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.AuditEntries.Add(new AuditEntry { Actor = "alice", Action = "dialplan.update", Target = target, At = at });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task PurgeAsync_DeletesOldRowsInBoundedBatches_KeepsRecentRowsAndOpenCalls()
    {
        await AddCallsAsync(2500, Now.AddDays(-400), prefix: "old");
        await AddCallsAsync(3, Now.AddDays(-400), open: true, prefix: "open");
        await AddCallsAsync(5, Now.AddDays(-10), prefix: "new");
        await AddAuditAsync("ancient", Now.AddDays(-731));
        await AddAuditAsync("recent", Now.AddDays(-729));

        var result = await Purge().PurgeAsync();

        Assert.Equal(2500, result.CallRecordsDeleted);
        Assert.Equal(1, result.AuditEntriesDeleted);
        // 1,000 + 1,000 + 500 call records, then one statement for the audit entry: never more than a batch at once.
        Assert.Equal(4, result.Batches);
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var left = await db.CallRecords.Select(c => c.CallerCallId).ToListAsync();
        Assert.Equal(8, left.Count);
        Assert.All(left, id => Assert.False(id.StartsWith("old", StringComparison.Ordinal)));
        Assert.Contains(await db.AuditEntries.Select(a => a.Target).ToListAsync(), t => t == "recent");
        Assert.DoesNotContain(await db.AuditEntries.Select(a => a.Target).ToListAsync(), t => t == "ancient");
    }

    [Fact]
    public async Task PurgeAsync_ZeroDays_KeepsEverythingForever()
    {
        await AddCallsAsync(3, Now.AddYears(-10));
        await AddAuditAsync("ancient", Now.AddYears(-10));

        var result = await Purge(callDays: 0, auditDays: 0).PurgeAsync();

        Assert.Equal(new RetentionPurgeResult(0, 0, 0), result);
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(3, await db.CallRecords.CountAsync());
    }

    [Fact]
    public async Task BackgroundService_PurgesAtStart_AndAgainADayLater()
    {
        await AddCallsAsync(2, Now.AddDays(-366), prefix: "first");
        var purge = Purge();
        using var stop = new CancellationTokenSource();
        await purge.StartAsync(stop.Token);
        await WaitForCallCountAsync(0);

        // Rows that come of age after the first pass go in the next one, a day later on the service's clock.
        await AddCallsAsync(2, Now.AddDays(-364.5), prefix: "second");
        time.Advance(TimeSpan.FromDays(1));
        // The loop may not have armed its daily timer yet when the clock moved: nudge it on an hour at a time.
        await WaitForCallCountAsync(0, () => time.Advance(TimeSpan.FromHours(1)));

        await stop.CancelAsync();
        await purge.StopAsync(CancellationToken.None);
    }

    private async Task WaitForCallCountAsync(int expected, Action? meanwhile = null)
    {
        // Polls the database (not the clock) until the background pass has run; bounded so a broken loop fails.
        for (var attempt = 0; attempt < 500; attempt++)
        {
            await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            if (await db.CallRecords.CountAsync() == expected)
            {
                return;
            }

            meanwhile?.Invoke();
            await Task.Delay(20);
        }

        Assert.Fail($"The background purge did not leave {expected} call record(s).");
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Sip.Limits;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.SipIntegration;

/// <summary>SIP bans reach the audit log (issue 12 §3), but a flood of them costs at most a bounded number of rows.</summary>
public sealed class AuditedBansTests : IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<AuditedBans> logger = new();
    private PortalTestHost host = null!;

    public async Task InitializeAsync() => host = await PortalTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task BanStarted_IsAuditedAsSipBan_WithTheAddressAndWhy()
    {
        var bans = new AuditedBans(host.Get<AuditLog>(), new SipDatabaseWrites(), time, logger);

        bans.BanStarted(new SipBan("flood", IPAddress.Parse("::ffff:203.0.113.5"), null, TimeSpan.FromSeconds(60), "over 300 requests/s"));
        bans.BanStarted(new SipBan("auth-account", IPAddress.Parse("198.51.100.7"), "alice", TimeSpan.FromSeconds(300), "10 failed digest answers for the name"));

        var entries = await WaitForBanEntriesAsync(2);
        var flood = Assert.Single(entries, e => e.SourceIp == "203.0.113.5");
        Assert.Equal(("sip", "203.0.113.5", "flood: over 300 requests/s, for 60 s"), (flood.Actor, flood.Target, flood.Detail));
        var account = Assert.Single(entries, e => e.SourceIp == "198.51.100.7");
        Assert.Equal(("user 'alice'", "auth-account: 10 failed digest answers for the name, for 300 s"), (account.Target, account.Detail));
    }

    [Fact]
    public async Task ManyBansInAMinute_AtMostSixtyAreAudited_AndTheRestAreCountedInTheLog()
    {
        var bans = new AuditedBans(host.Get<AuditLog>(), new SipDatabaseWrites(), time, logger);

        for (var i = 0; i < AuditedBans.MaxPerMinute + 10; i++)
        {
            bans.BanStarted(new SipBan("flood", IPAddress.Parse($"203.0.113.{i + 1}"), null, TimeSpan.FromSeconds(60), "over 300 requests/s"));
        }

        time.Advance(TimeSpan.FromMinutes(1));
        bans.BanStarted(new SipBan("flood", IPAddress.Parse("198.51.100.1"), null, TimeSpan.FromSeconds(60), "over 300 requests/s"));

        var entries = await WaitForBanEntriesAsync(AuditedBans.MaxPerMinute + 1);
        Assert.Equal(AuditedBans.MaxPerMinute + 1, entries.Count);
        Assert.Contains(entries, e => e.SourceIp == "198.51.100.1");
        Assert.DoesNotContain(entries, e => e.SourceIp == $"203.0.113.{AuditedBans.MaxPerMinute + 1}");
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.StartsWith("10 SIP bans in the last minute were not audited", StringComparison.Ordinal));
    }

    private async Task<List<AuditEntry>> WaitForBanEntriesAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "sip.ban").ToListAsync();
            if (entries.Count >= count || DateTime.UtcNow > deadline)
            {
                return entries;
            }

            await Task.Delay(50);
        }
    }
}

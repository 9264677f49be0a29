using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Services;

public sealed class AuditTrailServiceTests : IAsyncLifetime
{
    private static readonly DateTime Day = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    private PortalTestHost host = null!;
    private PortalCaller admin = null!;
    private PortalCaller alice = null!;
    private PortalCaller mallory = null!;
    private string aliceKeyActor = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        admin = await host.CreateUserAsync("root", admin: true);
        alice = await host.CreateUserAsync("alice");
        mallory = await host.CreateUserAsync("mallory");
        var key = await host.Get<CallManagerKeyService>().CreateAsync(alice, "tropo");
        aliceKeyActor = $"key:{key.Key[3..11]}";
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        // Only the entries below: the set-up's own (user.create, key.create) are cleared so counts are exact.
        await db.AuditEntries.ExecuteDeleteAsync();
        for (var i = 0; i < 30; i++)
        {
            db.AuditEntries.Add(Entry("alice", i % 2 == 0 ? "dialplan.update" : "sip-account.update", $"thing {i}", Day.AddHours(i)));
        }

        db.AuditEntries.Add(Entry(aliceKeyActor, "transfer.request", "call xfer-1", Day, "to 5551234: Started", "203.0.113.5"));
        db.AuditEntries.Add(Entry("root", "user.suspend", "alice", Day.AddDays(3), "unpaid"));
        db.AuditEntries.Add(Entry("mallory", "dialplan.update", "evil", Day));
        db.AuditEntries.Add(Entry("root", "user.suspend", "mallory", Day.AddDays(3)));
        // A velocity-limit refusal of a call to alice's account: someone else acted, it concerns her.
        var refusal = Entry("sip:203.0.113.66", "call.refused", "alice-phone", Day.AddDays(4), "velocity limit", "203.0.113.66");
        refusal.OwnerId = alice.UserId;
        db.AuditEntries.Add(refusal);
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static AuditEntry Entry(string actor, string action, string target, DateTime at, string? detail = null, string? ip = null) =>
        new() { Actor = actor, Action = action, Target = target, At = at, Detail = detail, SourceIp = ip };

    private AuditTrailService Audit => host.Get<AuditTrailService>();

    [Fact]
    public async Task QueryAllAsync_Admin_SeesEveryonesEntriesNewestFirstPagedOnTheServer()
    {
        var page = await Audit.QueryAllAsync(admin, new AuditFilter(), page: 0, pageSize: 10);

        Assert.Equal(35, page.TotalCount);
        Assert.Equal(10, page.Items.Count);
        Assert.Equal("alice-phone", page.Items[0].Target);
        var last = await Audit.QueryAllAsync(admin, new AuditFilter(), page: 3, pageSize: 10);
        Assert.Equal(5, last.Items.Count);
    }

    [Fact]
    public async Task QueryAllAsync_NotAnAdmin_IsRefused()
    {
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Audit.QueryAllAsync(alice, new AuditFilter(), 0, 10));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Audit.ExportCsvAsync(alice, new AuditFilter(), ownOnly: false));
    }

    [Fact]
    public async Task QueryAllAsync_Filters_CombineActorActionAndDates()
    {
        // Entries 15..29 are on the 21st; of those the even ones are dialplan updates.
        var page = await Audit.QueryAllAsync(admin, new AuditFilter("ALI", "dialplan", new DateTime(2026, 11, 21), new DateTime(2026, 11, 21)), 0, 50);

        Assert.Equal(Enumerable.Range(15, 15).Where(i => i % 2 == 0).Reverse().Select(i => $"thing {i}"), page.Items.Select(a => a.Target));
    }

    [Fact]
    public async Task QueryOwnAsync_SeesWhatTheyAndTheirKeysDidAndWhatWasDoneToThem_NeverAnotherUsers()
    {
        var own = await Audit.QueryOwnAsync(alice, new AuditFilter(), 0, 200);

        Assert.Equal(33, own.TotalCount);
        Assert.Contains(own.Items, a => a is { Action: "call.refused", Detail: "velocity limit" });
        Assert.Contains(own.Items, a => a.Actor == aliceKeyActor && a.SourceIp == "203.0.113.5");
        Assert.Contains(own.Items, a => a is { Action: "user.suspend", Target: "alice", Detail: "unpaid" });
        Assert.DoesNotContain(own.Items, a => a.Actor == "mallory" || a.Target == "mallory" || a.Target == "evil");

        var mallorys = await Audit.QueryOwnAsync(mallory, new AuditFilter(), 0, 200);
        Assert.Equal(["mallory", "evil"], mallorys.Items.Select(a => a.Target));
    }

    [Fact]
    public async Task QueryOwnAsync_Admin_SeesOnlyTheirOwnThere()
    {
        var own = await Audit.QueryOwnAsync(admin, new AuditFilter(), 0, 200);

        Assert.All(own.Items, a => Assert.Equal("root", a.Actor));
        Assert.Equal(2, own.TotalCount);
    }

    [Fact]
    public async Task ExportCsvAsync_OwnOnly_HasTheFilteredEntriesQuotedAndDefused()
    {
        await using (var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            db.AuditEntries.Add(Entry("alice", "dialplan.create", "=HYPERLINK(\"x\")", Day.AddDays(5), "a, b"));
            db.AuditEntries.Add(Entry("mallory", "dialplan.create", "not alice's", Day.AddDays(5)));
            await db.SaveChangesAsync();
        }

        var csv = await Audit.ExportCsvAsync(alice, new AuditFilter(Action: "create"), ownOnly: true);

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at_utc,actor,action,target,detail,source_ip", lines[0]);
        Assert.Equal("2026-11-25 09:00:00,alice,dialplan.create,\"'=HYPERLINK(\"\"x\"\")\",\"a, b\",", Assert.Single(lines[1..]));
    }

    [Fact]
    public async Task KeyUse_IsAuditedWithItsSourceAddress_AtMostOnceAMinute()
    {
        var created = await host.Get<CallManagerKeyService>().CreateAsync(mallory, "script");
        await using var scope = host.Services.CreateAsyncScope();
        var verifier = scope.ServiceProvider.GetRequiredService<CallManagerKeyVerifier>();

        Assert.NotNull(await verifier.VerifyAsync("mallory", created.Key, CancellationToken.None, "198.51.100.7"));
        Assert.NotNull(await verifier.VerifyAsync("mallory", created.Key, CancellationToken.None, "198.51.100.7"));

        var uses = (await Audit.QueryOwnAsync(mallory, new AuditFilter(Action: "key.use"), 0, 10)).Items;
        var use = Assert.Single(uses);
        Assert.Equal($"key:{created.Key[3..11]}", use.Actor);
        Assert.Equal("198.51.100.7", use.SourceIp);
        Assert.Equal($"script ({created.Key[3..11]})", use.Target);
    }
}

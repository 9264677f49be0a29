using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Cluster;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Services;

public sealed class CallHistoryServiceTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalCaller alice = null!;
    private PortalCaller mallory = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
        mallory = await host.CreateUserAsync("mallory");
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var day = new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 30; i++)
        {
            db.CallRecords.Add(Record(alice.UserId, $"c{i}", "alice", i % 3 == 0 ? "5551234" : "232", day.AddHours(i),
                i % 2 == 0 ? CallStatus.Completed : CallStatus.Failed));
        }

        db.CallRecords.Add(Record(mallory.UserId, "m1", "mallory", "5551234", day, CallStatus.Completed));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task QueryAsync_PagesOnTheServerNewestFirst_AndOnlyTheCallersCalls()
    {
        var page = await host.Get<CallHistoryService>().QueryAsync(alice, new CallHistoryFilter(), page: 1, pageSize: 10);

        Assert.Equal(30, page.TotalCount);
        Assert.Equal(10, page.Items.Count);
        Assert.Equal("c19", page.Items[0].CallerCallId);
        Assert.All(page.Items, c => Assert.Equal(alice.UserId, c.OwnerId));
    }

    [Fact]
    public async Task QueryAsync_Filters_CombineDateNumberAndStatus()
    {
        var filter = new CallHistoryFilter(new DateTime(2026, 11, 21), new DateTime(2026, 11, 21), "555", CallStatus.Completed);
        var page = await host.Get<CallHistoryService>().QueryAsync(alice, filter, 0, 50);

        // Calls 15..29 start on the 21st; of those, multiples of 3 dial 5551234 and even ones completed: 18 and 24.
        Assert.Equal(["c24", "c18"], page.Items.Select(c => c.CallerCallId));
    }

    [Fact]
    public async Task ExportCsvAsync_QuotesFieldsAndDefusesFormulas()
    {
        await using (var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var record = Record(alice.UserId, "evil", "=HYPERLINK(\"x\")", "1,2", new DateTime(2026, 11, 25, 0, 0, 0, DateTimeKind.Utc), CallStatus.Completed);
            db.CallRecords.Add(record);
            await db.SaveChangesAsync();
        }

        var csv = await host.Get<CallHistoryService>().ExportCsvAsync(alice, new CallHistoryFilter(new DateTime(2026, 11, 25), null));

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("started_utc,", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\",\"1,2\"", lines[1]);
    }

    [Fact]
    public async Task Recovery_AtStart_ClosesOpenRecordsAsInterrupted()
    {
        await using (var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var open = Record(alice.UserId, "open", "alice", "232", new DateTime(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc), CallStatus.Answered);
            open.EndedAt = null;
            open.AnsweredAt = open.StartedAt.AddSeconds(5);
            db.CallRecords.Add(open);
            await db.SaveChangesAsync();
        }

        await new CallRecordRecovery(host.Get<IDbContextFactory<PortalDbContext>>(), host.Get<IOptions<ClusterOptions>>(), TimeProvider.System,
            NullLogger<CallRecordRecovery>.Instance).StartAsync(CancellationToken.None);

        await using var check = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var closed = await check.CallRecords.SingleAsync(c => c.CallerCallId == "open");
        Assert.Equal(CallStatus.Interrupted, closed.Status);
        Assert.NotNull(closed.EndedAt);
        Assert.NotNull(closed.DurationSeconds);
        Assert.Equal(0, await check.CallRecords.CountAsync(c => c.EndedAt == null));
    }

    [Fact]
    public async Task Recovery_OnANodeOfSeveral_ClosesItsOwnAndUnnamedRecords_NotAnotherNodesLiveCalls()
    {
        await using (var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            foreach (var (callId, node) in new[] { ("mine", "node-a"), ("theirs", "node-b"), ("before-nodes", (string?)null) })
            {
                var open = Record(alice.UserId, callId, "alice", "232", new DateTime(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc), CallStatus.Answered);
                open.EndedAt = null;
                open.NodeId = node;
                db.CallRecords.Add(open);
            }

            await db.SaveChangesAsync();
        }

        // Redis is only named here: recovery reads the setting, it does not connect.
        var nodeA = Options.Create(new ClusterOptions { NodeId = "node-a", Redis = "127.0.0.1:1" });
        await new CallRecordRecovery(host.Get<IDbContextFactory<PortalDbContext>>(), nodeA, TimeProvider.System, NullLogger<CallRecordRecovery>.Instance)
            .StartAsync(CancellationToken.None);

        await using var check = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var states = await check.CallRecords.ToDictionaryAsync(c => c.CallerCallId, c => c.Status);
        Assert.Equal(CallStatus.Interrupted, states["mine"]);
        Assert.Equal(CallStatus.Interrupted, states["before-nodes"]);
        Assert.Equal(CallStatus.Answered, states["theirs"]);
    }

    private static CallRecord Record(string owner, string callId, string from, string to, DateTime started, CallStatus status) => new()
    {
        OwnerId = owner, CallerCallId = callId, From = from, To = to, StartedAt = started, EndedAt = started.AddMinutes(1), Status = status,
        Direction = CallDirection.Outbound,
    };
}

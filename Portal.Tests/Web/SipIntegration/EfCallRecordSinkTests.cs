using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.SipIntegration;

public sealed class EfCallRecordSinkTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task ManyCallsAtOnce_EveryRecordIsWritten_OneWriteAtATime()
    {
        var databases = new CountingFactory(host.Get<IDbContextFactory<PortalDbContext>>());
        var sink = new EfCallRecordSink(databases, host.Get<AuditLog>(), new SipDatabaseWrites());
        var calls = Enumerable.Range(1, 40).Select(Call).ToList();

        await Task.WhenAll(calls.Select(c => Task.Run(async () =>
        {
            await sink.CallStartedAsync(c);
            await sink.CallAnsweredAsync(c);
            await sink.CallEndedAsync(c, "Completed", "caller hung up");
        })));

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var records = await db.CallRecords.AsNoTracking().ToListAsync();
        Assert.Equal(40, records.Count(r => r.EndedAt is not null && r.Status == Portal.Data.Entities.CallStatus.Completed));
        // A writer waiting for SQLite's lock would hold a thread the SIP service needs (see SipDatabaseWrites).
        Assert.Equal(1, databases.MostAtOnce);
    }

    [Fact]
    public async Task ARefusal_IsAuditedUnderTheOwner_AndItsCallsCountForTheVelocityLimits()
    {
        var sink = new EfCallRecordSink(host.Get<IDbContextFactory<PortalDbContext>>(), host.Get<AuditLog>(), new SipDatabaseWrites());
        var outbound = Call(1);
        var ringsPhones = Call(2) with { Direction = CallDirection.Inbound, DialplanName = null };
        var throughInDialplan = Call(3) with { Direction = CallDirection.Inbound, DialplanName = "in" };
        foreach (var call in new[] { outbound, ringsPhones, throughInDialplan })
        {
            await sink.CallStartedAsync(call);
        }

        await sink.CallRefusedAsync(new CallRefusal(CallRefusal.CallLimitReached, alice.UserId, "alice", "sip:alice", "sip:alice@x to sip:5551234@x",
            "daily call limit reached: 2000 calls in the last day, the limit is 2000", "192.0.2.10"));

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "call.limit");
        Assert.Equal((alice.UserId, "sip:alice", "192.0.2.10"), (entry.OwnerId, entry.Actor, entry.SourceIp));
        Assert.StartsWith("daily call limit reached", entry.Detail);
        var starts = await new EfCallStartHistory(host.Get<IDbContextFactory<PortalDbContext>>())
            .ListDialplanCallStartsAsync(alice.UserId, DateTimeOffset.UtcNow.AddDays(-1), CancellationToken.None);
        Assert.Equal(2, starts.Count);
    }

    private CallSnapshot Call(int number)
    {
        var started = DateTimeOffset.UtcNow;
        var legs = new List<CallLegSnapshot>
        {
            new(CallLegRole.Caller, $"caller-{number}", "alice", "232", "alice", CallLegState.Answered, started, started, started, 200),
            new(CallLegRole.Callee, $"callee-{number}", "alice", "232", "sip:232@192.0.2.1", CallLegState.Answered, started, started, started, 200),
        };
        return new CallSnapshot($"call-{number}", number, alice.UserId, "alice", CallDirection.Outbound, "alice", "alice", "alice", "232",
            CallState.Ended, started, started, started.AddSeconds(3), legs);
    }

    /// <summary>Hands out the real contexts and remembers how many were saving changes at once.</summary>
    private sealed class CountingFactory(IDbContextFactory<PortalDbContext> inner) : IDbContextFactory<PortalDbContext>
    {
        private int saving;
        private int mostAtOnce;

        public int MostAtOnce => Volatile.Read(ref mostAtOnce);

        public PortalDbContext CreateDbContext()
        {
            var db = inner.CreateDbContext();
            db.SavingChanges += (_, _) => Started();
            db.SavedChanges += (_, _) => Interlocked.Decrement(ref saving);
            db.SaveChangesFailed += (_, _) => Interlocked.Decrement(ref saving);
            return db;
        }

        private void Started()
        {
            var now = Interlocked.Increment(ref saving);
            int seen;
            while (now > (seen = Volatile.Read(ref mostAtOnce)) && Interlocked.CompareExchange(ref mostAtOnce, now, seen) != seen)
            {
            }

            // Long enough for a second writer to overlap if nothing stops it.
            Thread.Sleep(2);
        }
    }
}

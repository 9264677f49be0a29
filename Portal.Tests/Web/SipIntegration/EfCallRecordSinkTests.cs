using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Records;
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
        await using var sink = new EfCallRecordSink(databases, host.Get<AuditLog>(), new SipDatabaseWrites(), NullLogger<EfCallRecordSink>.Instance);
        var calls = Enumerable.Range(1, 40).Select(Call).ToList();

        await Task.WhenAll(calls.Select(c => Task.Run(async () =>
        {
            await sink.CallStartedAsync(c);
            await sink.CallAnsweredAsync(c);
            await sink.CallEndedAsync(c, "Completed", "caller hung up");
        })));
        await sink.FlushAsync();

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var records = await db.CallRecords.AsNoTracking().ToListAsync();
        Assert.Equal(40, records.Count(r => r.EndedAt is not null && r.Status == Portal.Data.Entities.CallStatus.Completed));
        // A writer waiting for SQLite's lock would hold a thread the SIP service needs (see SipDatabaseWrites).
        Assert.Equal(1, databases.MostAtOnce);
    }

    [Fact]
    public async Task ARefusal_IsAuditedUnderTheOwner_AndItsCallsCountForTheVelocityLimits()
    {
        await using var sink = Sink();
        var outbound = Call(1);
        var ringsPhones = Call(2) with { Direction = CallDirection.Inbound, DialplanName = null };
        var throughInDialplan = Call(3) with { Direction = CallDirection.Inbound, DialplanName = "in" };
        foreach (var call in new[] { outbound, ringsPhones, throughInDialplan })
        {
            await sink.CallStartedAsync(call);
        }

        await sink.CallRefusedAsync(new CallRefusal(CallRefusal.CallLimitReached, alice.UserId, "alice", "sip:alice", "sip:alice@x to sip:5551234@x",
            "daily call limit reached: 2000 calls in the last day, the limit is 2000", "192.0.2.10"));
        await sink.FlushAsync();

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "call.limit");
        Assert.Equal((alice.UserId, "sip:alice", "192.0.2.10"), (entry.OwnerId, entry.Actor, entry.SourceIp));
        Assert.StartsWith("daily call limit reached", entry.Detail);
        var starts = await new EfCallStartHistory(host.Get<IDbContextFactory<PortalDbContext>>())
            .ListDialplanCallStartsAsync(alice.UserId, DateTimeOffset.UtcNow.AddDays(-1), CancellationToken.None);
        Assert.Equal(2, starts.Count);
    }

    [Fact]
    public async Task ChangesQueuedWhileTheDatabaseIsBusy_ShareOneTransaction_AndAllArrive()
    {
        var databases = new CountingFactory(host.Get<IDbContextFactory<PortalDbContext>>());
        var writes = new SipDatabaseWrites();
        await using var sink = new EfCallRecordSink(databases, host.Get<AuditLog>(), writes, NullLogger<EfCallRecordSink>.Instance);
        var busy = new TaskCompletionSource();
        var holding = writes.RunAsync(() => busy.Task);

        foreach (var call in Enumerable.Range(1, 50).Select(Call))
        {
            await sink.CallStartedAsync(call);
            await sink.CallAnsweredAsync(call);
            await sink.CallEndedAsync(call, "Completed", "caller hung up");
        }

        busy.SetResult();
        await holding;
        await sink.FlushAsync();

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(50, await db.CallRecords.CountAsync(r => r.Status == Portal.Data.Entities.CallStatus.Completed && r.AnsweredAt != null));
        // 150 changes: the first batch may have taken one before the database was free; the rest commit together.
        Assert.InRange(databases.Saves, 1, 2);
    }

    [Fact]
    public async Task ACallOfAnOwnerWhoIsGone_IsDropped_TheRestOfItsBatchIsWritten()
    {
        var writes = new SipDatabaseWrites();
        await using var sink = new EfCallRecordSink(host.Get<IDbContextFactory<PortalDbContext>>(), host.Get<AuditLog>(), writes,
            NullLogger<EfCallRecordSink>.Instance);
        var busy = new TaskCompletionSource();
        var holding = writes.RunAsync(() => busy.Task);
        await sink.CallStartedAsync(Call(1));
        await sink.CallStartedAsync(Call(2) with { OwnerId = "no-such-user" });
        await sink.CallStartedAsync(Call(3));
        busy.SetResult();
        await holding;
        await sink.FlushAsync();

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(["caller-1", "caller-3"], await db.CallRecords.OrderBy(r => r.CallerCallId).Select(r => r.CallerCallId).ToListAsync());
    }

    [Fact]
    public async Task TheEndOfACallStartedEarlier_SurvivesABatchThatFailed_AndIsWrittenOnTheRetry()
    {
        var writes = new SipDatabaseWrites();
        await using var sink = new EfCallRecordSink(host.Get<IDbContextFactory<PortalDbContext>>(), host.Get<AuditLog>(), writes,
            NullLogger<EfCallRecordSink>.Instance);
        await sink.CallStartedAsync(Call(1));
        await sink.FlushAsync();

        // The answer and the end go in one batch with a change that cannot be written; the batch is retried one by one.
        var busy = new TaskCompletionSource();
        var holding = writes.RunAsync(() => busy.Task);
        await sink.CallAnsweredAsync(Call(1));
        await sink.CallEndedAsync(Call(1), "Completed", "caller hung up");
        await sink.CallStartedAsync(Call(2) with { OwnerId = "no-such-user" });
        busy.SetResult();
        await holding;
        await sink.FlushAsync();

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var record = await db.CallRecords.SingleAsync();
        Assert.Equal(Portal.Data.Entities.CallStatus.Completed, record.Status);
        Assert.Equal("caller hung up", record.HangupReason);
        Assert.NotNull(record.AnsweredAt);
        Assert.NotNull(record.EndedAt);
    }

    [Fact]
    public async Task Stopping_WritesWhatIsQueued()
    {
        var sink = Sink();
        await sink.CallStartedAsync(Call(7));
        await sink.CallEndedAsync(Call(7), "Interrupted", "service stopping");
        await sink.DisposeAsync();

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(Portal.Data.Entities.CallStatus.Interrupted, (await db.CallRecords.SingleAsync()).Status);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await sink.CallStartedAsync(Call(8)));
    }

    private EfCallRecordSink Sink() =>
        new(host.Get<IDbContextFactory<PortalDbContext>>(), host.Get<AuditLog>(), new SipDatabaseWrites(), NullLogger<EfCallRecordSink>.Instance);

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
        private int saves;

        public int MostAtOnce => Volatile.Read(ref mostAtOnce);

        /// <summary>Transactions committed: each SaveChanges is one.</summary>
        public int Saves => Volatile.Read(ref saves);

        public PortalDbContext CreateDbContext()
        {
            var db = inner.CreateDbContext();
            db.SavingChanges += (_, _) => Started();
            db.SavedChanges += (_, _) =>
            {
                Interlocked.Decrement(ref saving);
                Interlocked.Increment(ref saves);
            };
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

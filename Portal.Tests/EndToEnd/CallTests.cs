using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Calls through the B2BUA against the running app with real peers: a sipp phone authenticates as alice and
/// dials through her out dialplan to sipp callees on 127.0.0.1 (DESIGN §2, §5).
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class CallTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(90);
    // One owner calls at 20 a second: the per-owner caps of DESIGN §10 (concurrent calls, and dialplan evaluations,
    // 1 by default, which refuses a call with 486 when a stall on the busy test machine makes two overlap) are
    // raised so the test measures the call path, as the load bench does.
    private readonly PortalWebFactory factory = new PortalWebFactory()
        .With("Sip:MaxConcurrentCallsPerOwner", "200")
        .With("Sip:MaxDialplanEvaluationsPerOwner", "20");
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        factory.StartKestrel();
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task AuthenticatedCall_ThroughOutDialplan_IsAnsweredAndHungUp_100CallsAt20PerSecond()
    {
        var port = PeerProcess.FreePort();
        await UseOutDialplanAsync(Leg($"uas@127.0.0.1:{port}"));
        await using var callee = StartCallee("call-uas-answer.xml", port, calls: 100);

        var (exit, output) = await Sipp.RunAsync("call-uac-auth.xml", factory.SipPort, calls: 100, rate: 20, service: "uas",
            authUser: "alice", authPassword: "s3cret-pass", timeout: PeerTimeout, extra: ["-d", "500"]);

        Assert.True(exit == 0, output + "\n--- callee ---\n" + callee.Output);
        await callee.WaitForExitAsync(PeerTimeout);
        Assert.True(callee.ExitCode == 0, callee.Output);
        var records = await WaitForRecordsAsync(100);
        Assert.All(records, r =>
        {
            Assert.Equal(CallStatus.Completed, r.Status);
            Assert.NotNull(r.AnsweredAt);
            Assert.Equal("caller hung up", r.HangupReason);
            Assert.NotNull(r.CalleeCallId);
        });
        Assert.Empty(factory.Services.GetRequiredService<SipHostedService>().Calls.GetCalls());
    }

    [Fact]
    public async Task CalleeHangsUp_TheCallerGetsTheByeAndBothLegsClear()
    {
        var port = PeerProcess.FreePort();
        await UseOutDialplanAsync(Leg($"uas@127.0.0.1:{port}"));
        await using var callee = StartCallee("call-uas-answer-then-bye.xml", port, calls: 3);

        var (exit, output) = await CallAsync("call-uac-auth-callee-hangs-up.xml", calls: 3);

        Assert.True(exit == 0, output + "\n--- callee ---\n" + callee.Output);
        await AssertCalleeSucceededAsync(callee);
        Assert.All(await WaitForRecordsAsync(3), r => Assert.Equal(("Completed", "callee hung up"), (r.Status.ToString(), r.HangupReason)));
        Assert.Empty(Calls.GetCalls());
    }

    [Fact]
    public async Task CalleeBusy_The486ReachesTheCaller()
    {
        var port = PeerProcess.FreePort();
        await UseOutDialplanAsync(Leg($"uas@127.0.0.1:{port}"));
        await using var callee = StartCallee("call-uas-busy.xml", port, calls: 3);

        var (exit, output) = await CallAsync("call-uac-auth-busy.xml", calls: 3);

        Assert.True(exit == 0, output + "\n--- callee ---\n" + callee.Output);
        await AssertCalleeSucceededAsync(callee);
        Assert.All(await WaitForRecordsAsync(3), r => Assert.Equal(("Failed", "486 Busy Here"), (r.Status.ToString(), r.HangupReason)));
    }

    [Fact]
    public async Task ParallelLegs_TheFirstToAnswerWins_AndTheOtherIsCancelled()
    {
        var (answering, ringing) = (PeerProcess.FreePort(), PeerProcess.FreePort());
        await UseOutDialplanAsync(Leg($"uas@127.0.0.1:{ringing}") + "&" + Leg($"uas@127.0.0.1:{answering}"));
        await using var answers = StartCallee("call-uas-answer.xml", answering, calls: 3);
        await using var rings = StartCallee("call-uas-ring-until-cancel.xml", ringing, calls: 3);

        var (exit, output) = await CallAsync("call-uac-auth.xml", calls: 3);

        Assert.True(exit == 0, output + "\n--- answering callee ---\n" + answers.Output + "\n--- ringing callee ---\n" + rings.Output);
        await AssertCalleeSucceededAsync(answers);
        await AssertCalleeSucceededAsync(rings);
        Assert.All(await WaitForRecordsAsync(3), r => Assert.Equal(CallStatus.Completed, r.Status));
    }

    [Fact]
    public async Task SequentialGroups_WhenTheFirstFails_TheNextIsTried()
    {
        var (busy, answering) = (PeerProcess.FreePort(), PeerProcess.FreePort());
        await UseOutDialplanAsync(Leg($"uas@127.0.0.1:{busy}") + "|" + Leg($"uas@127.0.0.1:{answering}"));
        await using var first = StartCallee("call-uas-busy.xml", busy, calls: 3);
        await using var second = StartCallee("call-uas-answer.xml", answering, calls: 3);

        var (exit, output) = await CallAsync("call-uac-auth.xml", calls: 3);

        Assert.True(exit == 0, output + "\n--- busy callee ---\n" + first.Output + "\n--- answering callee ---\n" + second.Output);
        await AssertCalleeSucceededAsync(first);
        await AssertCalleeSucceededAsync(second);
        Assert.All(await WaitForRecordsAsync(3), r => Assert.Equal(CallStatus.Completed, r.Status));
    }

    [Fact]
    public async Task CallerCancels_BeforeAnswer_TheCalleeIsCancelledAndTheCallerGets487()
    {
        var port = PeerProcess.FreePort();
        await UseOutDialplanAsync(Leg($"uas@127.0.0.1:{port}"));
        await using var callee = StartCallee("call-uas-ring-until-cancel.xml", port, calls: 3);

        var (exit, output) = await CallAsync("call-uac-auth-cancel.xml", calls: 3);

        Assert.True(exit == 0, output + "\n--- callee ---\n" + callee.Output);
        await AssertCalleeSucceededAsync(callee);
        Assert.All(await WaitForRecordsAsync(3), r => Assert.Equal(("Cancelled", "caller cancelled"), (r.Status.ToString(), r.HangupReason)));
        Assert.Empty(Calls.GetCalls());
    }

    private Portal.Sip.Calls.CallManager Calls => factory.Services.GetRequiredService<SipHostedService>().Calls;

    /// <summary>A leg whose From user is xfer-&lt;call number&gt;, as DESIGN §2 dials the voice app.</summary>
    [Fact]
    public async Task ThroughAProvider_ItsChallengeIsAnsweredWithTheProviderCredentials()
    {
        var port = PeerProcess.FreePort();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProviderService>().CreateAsync(alice, new ProviderInput
            {
                Name = "trunk", Server = $"127.0.0.1:{port}", AuthUsername = "acct1", Password = "pr0vider-secret", FromUser = "15550001",
            });
        }

        await UseOutDialplanAsync("${dst}@trunk");
        await using var provider = StartCallee("provider-uas-auth.xml", port, calls: 1);

        var (exit, output) = await CallAsync("call-uac-auth.xml", calls: 1);

        Assert.True(exit == 0, output + "\n--- provider ---\n" + provider.Output);
        await AssertCalleeSucceededAsync(provider);
        var record = Assert.Single(await WaitForRecordsAsync(1));
        Assert.Equal(CallStatus.Completed, record.Status);
    }

    private static string Leg(string leg) => leg + "[fu=xfer-#{sys.CallNumber}]";

    private Task<(int ExitCode, string Output)> CallAsync(string scenario, int calls) =>
        Sipp.RunAsync(scenario, factory.SipPort, calls: calls, rate: 5, service: "uas", authUser: "alice", authPassword: "s3cret-pass",
            timeout: PeerTimeout, extra: ["-d", "300"]);

    private static async Task AssertCalleeSucceededAsync(PeerProcess callee)
    {
        await callee.WaitForExitAsync(PeerTimeout);
        Assert.True(callee.ExitCode == 0, callee.Output);
    }

    /// <summary>Gives alice an out dialplan that dials <paramref name="dialString"/> when she calls "uas".</summary>
    private Task UseOutDialplanAsync(string dialString) =>
        factory.UseOutDialplanAsync(alice, "alice", $"when \"uas\" then sys.Dial(\"{dialString}\")");

    /// <summary>A sipp callee listening on <paramref name="port"/>; it exits after <paramref name="calls"/> calls.</summary>
    private static PeerProcess StartCallee(string scenario, int port, int calls) => Sipp.StartUas(scenario, port, calls);

    /// <summary>The call records once <paramref name="count"/> of them have ended (they are written just after the call ends).</summary>
    private async Task<List<CallRecord>> WaitForRecordsAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            var records = await db.CallRecords.AsNoTracking().Where(r => r.EndedAt != null).ToListAsync();
            if (records.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, records.Count);
                return records;
            }

            await Task.Delay(100);
        }
    }
}

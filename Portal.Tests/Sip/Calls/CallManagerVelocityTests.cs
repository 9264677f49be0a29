using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls;
using Portal.Sip.Messages;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>
/// Velocity limits (DESIGN §10, a toll-fraud "daily call limit"): calls an owner's configuration starts per hour
/// and per day — outbound, and inbound through an in dialplan — with the service's defaults, the owner's own
/// limits, 0 for unlimited; the call past a limit gets 403 with the reason and is audited under the owner.
/// </summary>
public sealed class CallManagerVelocityTests
{
    [Fact]
    public async Task PastTheHourlyLimit_TheCallIs403AndAudited_AndAnHourLaterCallsGoThroughAgain()
    {
        var bench = Busy(new CallBench(CallLimits.Default with { MaxCallsPerHourPerOwner = 2, MaxCallsPerDayPerOwner = 0 }));

        Assert.Equal([486, 486, 403], await CallAsAliceAsync(bench, 3));

        var (refused, _) = await bench.Sender.WaitForResponseAsync(403, "call-3");
        Assert.Equal("Forbidden - hourly call limit reached", refused.ReasonPhrase);
        var refusal = Assert.Single(await bench.Records.WaitForRefusalsAsync(1));
        Assert.Equal((CallRefusal.CallLimitReached, "owner-1", "sip:alice", "192.0.2.10"), (refusal.Action, refusal.OwnerId, refusal.Actor, refusal.Source));
        Assert.Equal("hourly call limit reached: 2 calls in the last hour, the limit is 2", refusal.Detail);

        bench.Time.Advance(TimeSpan.FromMinutes(61));

        Assert.Equal([486], await CallAsAliceAsync(bench, 1, first: 4));
    }

    [Theory]
    [InlineData(2, null, new[] { 486, 486, 403, 403 })]
    [InlineData(2, 1, new[] { 486, 403, 403, 403 })]
    [InlineData(1, 0, new[] { 486, 486, 486, 486 })]
    [InlineData(0, null, new[] { 486, 486, 486, 486 })]
    public async Task TheDailyLimit_IsTheOwnersOwnWhenSet_ElseTheServices_And0IsUnlimited(int serviceDaily, int? ownersDaily, int[] answers)
    {
        var bench = Busy(new CallBench(CallLimits.Default with { MaxCallsPerHourPerOwner = 0, MaxCallsPerDayPerOwner = serviceDaily }));
        bench.Accounts.Accounts["alice"] = bench.Accounts.Accounts["alice"] with { OwnerMaxCallsPerDay = ownersDaily };

        var statuses = await CallAsAliceAsync(bench, 4);

        Assert.Equal(answers, statuses);
        if (answers.Contains(403))
        {
            var (refused, _) = await bench.Sender.WaitForResponseAsync(403);
            Assert.Equal("Forbidden - daily call limit reached", refused.ReasonPhrase);
            // A flood of refusals is audited once per owner and window.
            Assert.Single(await bench.Records.WaitForRefusalsAsync(1));
        }
    }

    [Fact]
    public async Task InboundCallsThatOnlyRingPhones_CostNothingAndAreNotCounted_ThroughAnInDialplanTheyAre()
    {
        var bench = new CallBench(CallLimits.Default with { MaxCallsPerHourPerOwner = 0, MaxCallsPerDayPerOwner = 1 });
        for (var i = 1; i <= 3; i++)
        {
            await bench.ReceiveAsync(Invite("bob", callId: $"in-{i}", fromHost: "example.org"), Phone);
            await bench.Sender.WaitForResponseAsync(480, $"in-{i}");
        }

        bench.Accounts.Accounts["bob"] = bench.Accounts.Accounts["bob"] with { InDialplanName = "in" };
        bench.Dialplans.Set("owner-2", "in", "else sys.Respond(486, \"Bob is busy\")");
        await bench.ReceiveAsync(Invite("bob", callId: "in-4", fromHost: "example.org"), Phone);
        await bench.Sender.WaitForResponseAsync(486, "in-4");
        await bench.ReceiveAsync(Invite("bob", callId: "in-5", fromHost: "example.org"), Phone);

        await bench.Sender.WaitForResponseAsync(403, "in-5");
        var refusal = Assert.Single(await bench.Records.WaitForRefusalsAsync(1));
        Assert.Equal(("owner-2", "caller"), (refusal.OwnerId, refusal.Actor));
    }

    [Fact]
    public async Task Counts_StartFromTheCallRecords_SoARestartDoesNotResetThem()
    {
        var history = new RecordedStarts();
        var bench = Busy(new CallBench(CallLimits.Default with { MaxCallsPerHourPerOwner = 2, MaxCallsPerDayPerOwner = 0 }, callStarts: history));
        var now = bench.Time.GetUtcNow();
        history.Starts["owner-1"] = [now.AddMinutes(-50), now.AddMinutes(-10), now.AddHours(-3)];

        Assert.Equal([403], await CallAsAliceAsync(bench, 1));
        Assert.Equal(["owner-1"], history.Asked);

        bench.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal([486], await CallAsAliceAsync(bench, 1, first: 2));
        Assert.Equal(["owner-1"], history.Asked);
    }

    private static CallBench Busy(CallBench bench)
    {
        bench.Dialplans.Set("owner-1", "default", "else sys.Respond(486, \"Busy Here\")");
        return bench;
    }

    /// <summary>alice places <paramref name="count"/> calls (Call-IDs call-N from <paramref name="first"/>); the final status of each.</summary>
    private static async Task<List<int>> CallAsAliceAsync(CallBench bench, int count, int first = 1)
    {
        List<int> statuses = [];
        for (var i = first; i < first + count; i++)
        {
            var mark = bench.Sender.Count;
            var callId = $"call-{i}";
            await bench.CallAsAliceAsync("5551234", callId);
            var (response, _) = await bench.Sender.WaitForAsync<SipResponse>(r => r.CallId == callId && r.StatusCode >= 400 && r.StatusCode != 407, mark);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private sealed class RecordedStarts : ICallStartHistory
    {
        public Dictionary<string, IReadOnlyList<DateTimeOffset>> Starts { get; } = [];

        public List<string> Asked { get; } = [];

        public ValueTask<IReadOnlyList<DateTimeOffset>> ListDialplanCallStartsAsync(string ownerId, DateTimeOffset since, CancellationToken cancellationToken)
        {
            Asked.Add(ownerId);
            return ValueTask.FromResult<IReadOnlyList<DateTimeOffset>>([.. Starts.GetValueOrDefault(ownerId, []).Where(s => s >= since)]);
        }
    }
}

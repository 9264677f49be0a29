using Microsoft.Extensions.Logging.Abstractions;
using Portal.Sip.Limits;
using Portal.Sip.Messages;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>Past what the service can carry, new calls get 503 with Retry-After; calls in progress go on.</summary>
public sealed class OverloadTests
{
    private readonly CallBench bench;
    private readonly OverloadGuard overload;

    public OverloadTests()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        overload = new OverloadGuard(new OverloadOptions { MaxDelayMilliseconds = 200, RetryAfterSeconds = 7 }, time,
            NullLogger<OverloadGuard>.Instance, probe: false);
        bench = new CallBench(overload: overload);
    }

    [Fact]
    public async Task WhileBehind_ANewInviteGets503WithRetryAfter_BeforeAnyAuthentication_AndItsRetransmissionTheSame()
    {
        overload.Observe(TimeSpan.FromMilliseconds(900));
        var invite = Invite("232", callId: "shed-1");

        await bench.ReceiveAsync(invite, Phone);
        var (refused, _) = await bench.Sender.WaitForResponseAsync(503, "shed-1");
        var mark = bench.Sender.Count;
        await bench.ReceiveAsync(invite, Phone);
        var (again, _) = await bench.Sender.WaitForResponseAsync(503, "shed-1", mark);

        Assert.Equal("7", refused.Headers.GetFirst(SipHeaderNames.RetryAfter));
        Assert.Empty(refused.ProxyAuthenticate);
        Assert.Equal(refused.To?.Tag, again.To?.Tag);
        Assert.Equal(0, bench.Calls.Count);
        // Refused statelessly (RFC 3261 §8.2.7): the retransmission is refused again, with the same answer.
        Assert.Equal(2, overload.Shed);
    }

    [Fact]
    public async Task WhileBehind_ACallInProgress_IsServed_AndNewCallsComeBackOnceCaughtUp()
    {
        var call = await bench.EstablishAsync();
        overload.Observe(TimeSpan.FromSeconds(2));

        var mark = bench.Sender.Count;
        await bench.ReceiveAsync(call.FromCaller("BYE", 2), Phone);
        await bench.Sender.WaitForResponseAsync(200, call.CallerInvite.CallId, mark);
        await bench.Sender.WaitForRequestAsync("BYE", mark, call.CalleeInvite.CallId);

        overload.Observe(TimeSpan.FromMilliseconds(150));
        Assert.True(overload.IsShedding);
        overload.Observe(TimeSpan.FromMilliseconds(20));
        Assert.False(overload.IsShedding);
        mark = bench.Sender.Count;
        await bench.ReceiveAsync(Invite("232", callId: "after-1"), Phone);
        await bench.Sender.WaitForResponseAsync(407, "after-1", mark);
    }

    [Fact]
    public async Task WhileDatagramsWaitToBeRead_NewCallsGet503_UntilTheWaitIsUnderHalfTheLimit_WhateverTheThreadPoolSays()
    {
        overload.ObserveReceiveWait(TimeSpan.FromMilliseconds(400));
        overload.Observe(TimeSpan.FromMilliseconds(1));
        await bench.ReceiveAsync(Invite("232", callId: "queued-1"), Phone);
        var (refused, _) = await bench.Sender.WaitForResponseAsync(503, "queued-1");

        overload.ObserveReceiveWait(TimeSpan.FromMilliseconds(150));
        var stillShedding = overload.IsShedding;
        overload.ObserveReceiveWait(TimeSpan.FromMilliseconds(40));

        Assert.Equal("7", refused.Headers.GetFirst(SipHeaderNames.RetryAfter));
        Assert.True(stillShedding);
        Assert.False(overload.IsShedding);
        Assert.Equal(0, bench.Calls.Count);
    }

    [Fact]
    public void AFixedCeiling_AdmitsThatManyNewCallsPerSecond()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var ceiling = new OverloadGuard(new OverloadOptions { MaxDelayMilliseconds = 0, MaxNewCallsPerSecond = 3 }, time,
            NullLogger<OverloadGuard>.Instance);

        var first = Enumerable.Range(0, 5).Select(_ => ceiling.AdmitNewCall()).ToList();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([true, true, true, false, false], first);
        Assert.True(ceiling.AdmitNewCall());
    }
}

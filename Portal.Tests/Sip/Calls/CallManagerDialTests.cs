using Portal.Sip.Calls.Records;
using Portal.Sip.Calls;
using Portal.Tests.Sip.Transactions;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>Dial strings at work (DESIGN §6): parallel legs, sequential groups, delays and the call duration limit.</summary>
public sealed class CallManagerDialTests
{
    private readonly CallBench bench = new();

    [Fact]
    public async Task ParallelLegs_TheFirstAnswerWins_TheOtherIsCancelled_AndItsLateAnswerIsHungUp()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"a@192.0.2.20&b@192.0.2.21\")");
        await bench.CallAsAliceAsync("232");
        var (legA, calleeA) = await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:a@192.0.2.20");
        var (legB, calleeB) = await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:b@192.0.2.21");
        await bench.ReceiveAsync(Respond(legB, 180, "b1"), calleeB);
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(Respond(legA, 200, "a1", CalleeSdp), calleeA);

        await bench.Sender.WaitForResponseAsync(200, "a-leg-1", mark);
        var (cancel, _) = await bench.Sender.WaitForRequestAsync("CANCEL", mark, legB.CallId);
        await bench.ReceiveAsync(TransactionTestMessages.ResponseTo(cancel, 200, "b1"), calleeB);

        // The CANCEL crossed B's answer: B's 2xx is ACKed and B hung up at once (RFC 3261 §15).
        await bench.ReceiveAsync(Respond(legB, 200, "b1", CalleeSdp), calleeB);
        await bench.Sender.WaitForRequestAsync("ACK", mark, legB.CallId);
        await bench.Sender.WaitForRequestAsync("BYE", mark, legB.CallId);
        var call = Assert.Single(bench.Calls.GetCalls());
        Assert.Equal(legA.CallId, call.AnsweredLeg!.CallId);
        Assert.DoesNotContain(bench.Sender.Sent.Select(s => s.Message).OfType<Portal.Sip.Messages.SipRequest>(),
            r => r.CallId == legA.CallId && r.Method.Name is "CANCEL" or "BYE");
    }

    [Fact]
    public async Task SequentialGroups_WhenEveryLegOfTheFirstFails_TheNextGroupIsRung()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"a@192.0.2.20|b@192.0.2.21\")");
        await bench.CallAsAliceAsync("232");
        var (legA, calleeA) = await bench.PlacedInviteAsync();
        Assert.Equal("sip:a@192.0.2.20", legA.Uri.ToString());

        await bench.ReceiveAsync(Respond(legA, 503, "a1"), calleeA);

        var (legB, calleeB) = await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:b@192.0.2.21");
        await bench.ReceiveAsync(Respond(legB, 200, "b1", CalleeSdp), calleeB);
        await bench.Sender.WaitForResponseAsync(200, "a-leg-1");
        var legs = bench.Calls.GetCalls().Single().Legs;
        Assert.Equal([CallLegState.Answered, CallLegState.Failed, CallLegState.Answered], legs.Select(l => l.State));
        Assert.Equal(503, legs[1].Status);
    }

    [Fact]
    public async Task EveryLegFails_TheCallerGetsTheMostTellingFailure()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"a@192.0.2.20&b@192.0.2.21\")");
        await bench.CallAsAliceAsync("232");
        var (legA, calleeA) = await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:a@192.0.2.20");
        var (legB, calleeB) = await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:b@192.0.2.21");

        await bench.ReceiveAsync(Respond(legA, 503, "a1"), calleeA);
        await bench.ReceiveAsync(Respond(legB, 486, "b1"), calleeB);

        // A 4xx says more than a 5xx (after RFC 3261 §16.7).
        await bench.Sender.WaitForResponseAsync(486, "a-leg-1");
    }

    [Fact]
    public async Task DelayedLeg_IsRungOnlyAfterItsDelay()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"a@192.0.2.20&b@192.0.2.21[dt=3]\")");
        await bench.CallAsAliceAsync("232");
        await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:a@192.0.2.20");
        Assert.DoesNotContain(bench.Sender.Sent, s => s.Message is Portal.Sip.Messages.SipRequest { Method.Name: "INVITE" } r && r.Uri.ToString() == "sip:b@192.0.2.21");

        bench.Time.Advance(TimeSpan.FromSeconds(3));

        await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:b@192.0.2.21");
    }

    [Fact]
    public async Task MaximumCallDuration_HangsUpBothLegs()
    {
        var call = await bench.EstablishAsync("app@192.0.2.20[cd=10]");
        var mark = bench.Sender.Count;

        bench.Time.Advance(TimeSpan.FromSeconds(10));

        await bench.Sender.WaitForRequestAsync("BYE", mark, call.CalleeInvite.CallId);
        await bench.Sender.WaitForRequestAsync("BYE", mark, "a-leg-1");
        Assert.Equal((CallEndStatus.Completed, "maximum call duration reached"), ((await bench.Records.Ended).Status, (await bench.Records.Ended).Reason));
    }

    [Fact]
    public async Task HangUpAsync_AnAnsweredCall_ByesBothLegs()
    {
        var call = await bench.EstablishAsync();
        var id = bench.Calls.GetCalls().Single().Id;
        var mark = bench.Sender.Count;

        Assert.True(await bench.Calls.HangUpAsync(id, "hung up by alice"));

        await bench.Sender.WaitForRequestAsync("BYE", mark, call.CalleeInvite.CallId);
        await bench.Sender.WaitForRequestAsync("BYE", mark, "a-leg-1");
        Assert.Equal("hung up by alice", (await bench.Records.Ended).Reason);
        Assert.False(await bench.Calls.HangUpAsync(id, "again"));
    }
}

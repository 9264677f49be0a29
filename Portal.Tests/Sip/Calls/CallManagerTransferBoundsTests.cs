using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using Portal.Sip.Messages;
using Portal.Sip.Transport;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>
/// Transfers cannot make a call longer or bigger (DESIGN §10): the maximum duration counts from the first answer
/// whatever the new leg's <c>cd</c>, a call takes at most <c>Sip:MaxTransfersPerCall</c> transfers, and the legs that
/// left are dropped from the call, so its snapshot stays short however often it moves.
/// </summary>
public sealed class CallManagerTransferBoundsTests
{
    private const string TargetSdp = "v=0\r\no=target 300 300 IN IP4 192.0.2.30\r\ns=-\r\nc=IN IP4 192.0.2.30\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n";
    private static readonly SipEndPoint Target = SipEndPoint.Parse("udp:192.0.2.30:5090");

    [Fact]
    public async Task ATransfer_DoesNotResetTheMaximumDuration_EvenWhenItsDialAsksForMore()
    {
        var bench = new CallBench(CallLimits.Default with { DefaultMaxCallDuration = TimeSpan.FromSeconds(100) });
        bench.Dialplans.Set("owner-1", "transfer", "when /^(\\d+)$/ then sys.Dial(\"$1@192.0.2.30:5090[cd=3600]\")");
        var call = await bench.EstablishAsync();
        bench.Time.Advance(TimeSpan.FromSeconds(60));

        var invite = await TransferAnsweredAsync(bench, call.CalleeInvite.CallId!, "5551234", 1);
        var mark = bench.Sender.Count;
        bench.Time.Advance(TimeSpan.FromSeconds(39));
        Assert.DoesNotContain(bench.Sender.Sent.Skip(mark), s => s.Message is SipRequest { Method.Name: "BYE" } r && r.CallId != call.CalleeInvite.CallId);

        bench.Time.Advance(TimeSpan.FromSeconds(1));

        await bench.Sender.WaitForRequestAsync("BYE", mark, "a-leg-1");
        await bench.Sender.WaitForRequestAsync("BYE", mark, invite.CallId);
        Assert.Equal("maximum call duration reached", (await bench.Records.Ended).Reason);
    }

    [Fact]
    public async Task ATransfersShorterCd_BringsTheEndForward_FromTheFirstAnswer()
    {
        var bench = new CallBench(CallLimits.Default with { DefaultMaxCallDuration = TimeSpan.FromSeconds(100) });
        bench.Dialplans.Set("owner-1", "transfer", "when /^(\\d+)$/ then sys.Dial(\"$1@192.0.2.30:5090[cd=50]\")");
        var call = await bench.EstablishAsync();
        bench.Time.Advance(TimeSpan.FromSeconds(30));

        await TransferAnsweredAsync(bench, call.CalleeInvite.CallId!, "5551234", 1);
        var mark = bench.Sender.Count;
        bench.Time.Advance(TimeSpan.FromSeconds(20));

        await bench.Sender.WaitForRequestAsync("BYE", mark, "a-leg-1");
        Assert.Equal("maximum call duration reached", (await bench.Records.Ended).Reason);
    }

    [Fact]
    public async Task PastMaxTransfersPerCall_TheApiAndReferAreRefused_AndNothingIsDialled()
    {
        var bench = new CallBench(CallLimits.Default with { MaxTransfersPerCall = 2 });
        bench.Dialplans.Set("owner-1", "transfer", "when /^(\\d+)$/ then sys.Dial(\"$1@192.0.2.30:5090\")");
        var call = await bench.EstablishAsync();
        var leg = call.CalleeInvite.CallId!;
        for (var i = 0; i < 2; i++)
        {
            var mark = bench.Sender.Count;
            var started = await bench.Calls.BlindTransferAsync("owner-1", leg, "5551234", "key:test");
            var (invite, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5551234@", StringComparison.Ordinal));
            await bench.ReceiveAsync(Respond(invite, 486, "target1"), Target);
            await bench.Calls.WaitForTransferAsync(started.Transfer!.Id, TimeSpan.FromSeconds(5));
        }

        var before = bench.Sender.Count;
        var third = await bench.Calls.BlindTransferAsync("owner-1", leg, "5551234", "key:test");
        await bench.ReceiveAsync(Refer(call.FromCaller("REFER", 3), "<sip:5551234@192.0.2.1>"), Phone);

        Assert.Equal(TransferStartOutcome.TooManyTransfers, third.Outcome);
        Assert.Equal("this call has had 2 transfers, the most one call may have", third.Problem);
        var (refused, _) = await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 403 && r.CSeq!.Method == SipMethod.Refer, before);
        Assert.Equal("Forbidden - this call has had 2 transfers, the most one call may have", refused.ReasonPhrase);
        Assert.DoesNotContain(bench.Sender.Sent.Skip(before), s => s.Message is SipRequest { Method.Name: "INVITE" });
        Assert.Equal(CallRefusal.ReferRefused, Assert.Single(await bench.Records.WaitForRefusalsAsync(1)).Action);
    }

    [Fact]
    public async Task LegsThatLeft_AreDroppedFromTheCall_AfterEveryTransfer()
    {
        var bench = new CallBench();
        bench.Dialplans.Set("owner-1", "transfer", "when /^(\\d+)$/ then sys.Dial(\"$1@192.0.2.30:5090\")");
        var call = await bench.EstablishAsync();

        // A failed transfer, then three answered ones, each replacing the party the one before brought in.
        var mark = bench.Sender.Count;
        var failed = await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.CallId!, "5550000", "key:test");
        var (busy, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5550000@", StringComparison.Ordinal));
        await bench.ReceiveAsync(Respond(busy, 486, "busy1"), Target);
        await bench.Calls.WaitForTransferAsync(failed.Transfer!.Id, TimeSpan.FromSeconds(5));
        var leaving = call.CalleeInvite.CallId!;
        for (var i = 1; i <= 3; i++)
        {
            leaving = (await TransferAnsweredAsync(bench, leaving, $"555000{i}", i)).CallId!;
        }

        var snapshot = Assert.Single(bench.Calls.GetCalls());
        Assert.Equal(["a-leg-1", leaving], snapshot.Legs.Select(l => l.CallId));
        Assert.Equal([CallLegState.Answered, CallLegState.Answered], snapshot.Legs.Select(l => l.State));
        Assert.Equal(leaving, snapshot.AnsweredLeg!.CallId);
        Assert.Equal(CallLegRole.Transfer, snapshot.AnsweredLeg.Role);
    }

    /// <summary>Transfers the call away from <paramref name="leaving"/> to <paramref name="destination"/>, which answers; the phone takes the re-INVITE.</summary>
    private static async Task<SipRequest> TransferAnsweredAsync(CallBench bench, string leaving, string destination, int round)
    {
        var mark = bench.Sender.Count;
        var started = await bench.Calls.BlindTransferAsync("owner-1", leaving, destination, "key:test");
        Assert.Equal(TransferStartOutcome.Started, started.Outcome);
        var (invite, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith($"sip:{destination}@", StringComparison.Ordinal));
        await bench.ReceiveAsync(Respond(invite, 200, $"target{round}", TargetSdp, "<sip:target@192.0.2.30:5090>"), Target);
        var (reinvite, _) = await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Invite && r.CallId == "a-leg-1", mark);
        await bench.ReceiveAsync(Respond(reinvite, 200, "caller1", CallerSdp, "<sip:alice@192.0.2.10:5060>"), Phone);
        await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Ack && r.CallId == "a-leg-1" && r.CSeq!.Number == reinvite.CSeq!.Number, mark);
        var done = await bench.Calls.WaitForTransferAsync(started.Transfer!.Id, TimeSpan.FromSeconds(5));
        Assert.Equal(TransferState.Answered, done!.State);
        return invite;
    }

    private static SipRequest Refer(SipRequest refer, string referTo)
    {
        refer.Headers.Add("Refer-To", referTo);
        return Portal.Tests.Sip.Transactions.TransactionTestMessages.Reparse(refer);
    }
}

using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using Portal.Sip.Messages;
using Portal.Sip.Transport;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>
/// Blind transfer in the call manager (DESIGN §2 steps 4–5): alice's phone talks to a voice app; a transfer runs
/// her <c>transfer</c> dialplan, rings the new party with the phone's SDP, and on answer hangs the voice app up and
/// re-INVITEs the phone with the new party's SDP under the same origin.
/// </summary>
public sealed class CallManagerTransferTests
{
    private const string TargetSdp = "v=0\r\no=target 300 300 IN IP4 192.0.2.30\r\ns=-\r\nc=IN IP4 192.0.2.30\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n";
    private static readonly SipEndPoint Target = SipEndPoint.Parse("udp:192.0.2.30:5090");

    private readonly CallBench bench = new();

    public CallManagerTransferTests() =>
        bench.Dialplans.Set("owner-1", "transfer", "when /^(\\d+)$/ then sys.Dial(\"$1@192.0.2.30:5090\")\nelse sys.Respond(404, \"No such number\")");

    [Fact]
    public async Task Answered_TheVoiceAppGetsABye_AndThePhoneIsReinvitedWithTheNewPartysSdp_UnderItsOrigin()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        var started = await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.CallId!, "5551234", "key:test");

        Assert.Equal(TransferStartOutcome.Started, started.Outcome);
        var (invite, to) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5551234@", StringComparison.Ordinal));
        Assert.Equal(Target, to);
        Assert.Equal("alice", invite.From!.SipUri!.User);
        Assert.Contains("m=audio 4000 RTP/AVP 0", Text(invite.Body));
        Assert.DoesNotContain("o=phone", Text(invite.Body));

        await bench.ReceiveAsync(Respond(invite, 180, "target1"), Target);
        await WaitForTransferAsync(started.Transfer!.Id, TransferState.Ringing);
        await bench.ReceiveAsync(Respond(invite, 200, "target1", TargetSdp, "<sip:target@192.0.2.30:5090>"), Target);

        await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Ack && r.CallId == invite.CallId, mark);
        var (bye, byeTo) = await bench.Sender.WaitForRequestAsync("BYE", mark, call.CalleeInvite.CallId);
        Assert.Equal(call.Callee, byeTo);
        var (reinvite, reinviteTo) = await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Invite && r.CallId == "a-leg-1", mark);
        Assert.Equal(Phone, reinviteTo);
        Assert.Contains("m=audio 6000 RTP/AVP 0", Text(reinvite.Body));
        var before = Origin(call.CallerOk.Body);
        var after = Origin(reinvite.Body);
        Assert.Equal((before[0], before[1]), (after[0], after[1]));
        Assert.Equal(ulong.Parse(before[2]) + 1, ulong.Parse(after[2]));
        Assert.Equal((call.CallerOk.To!.Tag, "caller1"), (reinvite.From!.Tag, reinvite.To!.Tag));

        await bench.ReceiveAsync(Respond(reinvite, 200, "caller1", CallerSdp, "<sip:alice@192.0.2.10:5060>"), Phone);
        await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Ack && r.CallId == "a-leg-1" && r.CSeq!.Number == reinvite.CSeq!.Number, mark);

        var done = bench.Calls.FindTransfer(started.Transfer.Id)!;
        Assert.Equal((TransferState.Answered, 200), (done.State, done.Status));
        Assert.Contains("transfer Answered: 200 OK", await bench.Records.WaitForEntriesAsync(3));
        var snapshot = bench.Calls.GetCalls().Single();
        Assert.Equal(invite.CallId, snapshot.AnsweredLeg!.CallId);
        Assert.Equal(CallLegRole.Transfer, snapshot.AnsweredLeg.Role);

        // The phone now talks to the new party: its BYE goes there, not to the voice app.
        var afterTransfer = bench.Sender.Count;
        await bench.ReceiveAsync(call.FromCaller("BYE", 3), Phone);
        var (targetBye, targetByeTo) = await bench.Sender.WaitForRequestAsync("BYE", afterTransfer, invite.CallId);
        Assert.Equal(Target, targetByeTo);
        Assert.Equal("target1", targetBye.To!.Tag);
        Assert.Equal("caller hung up", (await bench.Records.Ended).Reason);
    }

    [Fact]
    public async Task NewPartyBusy_TheTransferFailsWith486_AndThePhoneStaysWithTheVoiceApp()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        var started = await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.CallId!, "5551234", "key:test");
        var (invite, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5551234@", StringComparison.Ordinal));
        await bench.ReceiveAsync(Respond(invite, 486, "target1"), Target);

        var failed = await bench.Calls.WaitForTransferAsync(started.Transfer!.Id, TimeSpan.FromSeconds(5));
        Assert.Equal((TransferState.Failed, 486), (failed!.State, failed.Status));
        Assert.Equal("486 Busy Here", failed.Reason);
        Assert.DoesNotContain(bench.Sender.Sent.Skip(mark), s => s.Message is SipRequest { Method.Name: "BYE" or "INVITE" } r && r.CallId != invite.CallId);
        Assert.Equal(CallState.Answered, bench.Calls.GetCalls().Single().State);

        // Still connected to the voice app: the phone's BYE reaches it.
        var later = bench.Sender.Count;
        await bench.ReceiveAsync(call.FromCaller("BYE", 3), Phone);
        await bench.Sender.WaitForRequestAsync("BYE", later, call.CalleeInvite.CallId);
    }

    [Fact]
    public async Task TransferDialplanResponds_TheTransferFailsWithThatStatus()
    {
        var call = await bench.EstablishAsync();

        var started = await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.CallId!, "abc", "key:test");

        var failed = await bench.Calls.WaitForTransferAsync(started.Transfer!.Id, TimeSpan.FromSeconds(5));
        Assert.Equal((TransferState.Failed, 404, "404 No such number"), (failed!.State, failed.Status, failed.Reason));
    }

    [Fact]
    public async Task VoiceAppHangsUpWhilePending_ThePhoneIsKept_AndBridgedWhenTheNewPartyAnswers()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;
        await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.CallId!, "5551234", "key:test");
        var (invite, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5551234@", StringComparison.Ordinal));

        await bench.ReceiveAsync(call.FromCallee("BYE", 2), call.Callee);
        await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 200 && r.CSeq!.Method == SipMethod.Bye && r.CallId == call.CalleeInvite.CallId, mark);
        Assert.DoesNotContain(bench.Sender.Sent.Skip(mark), s => s.Message is SipRequest { Method.Name: "BYE" });
        Assert.Equal(CallState.Answered, bench.Calls.GetCalls().Single().State);

        await bench.ReceiveAsync(Respond(invite, 200, "target1", TargetSdp, "<sip:target@192.0.2.30:5090>"), Target);

        var (reinvite, _) = await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Invite && r.CallId == "a-leg-1", mark);
        Assert.Contains("m=audio 6000", Text(reinvite.Body));
        Assert.DoesNotContain(bench.Sender.Sent.Skip(mark), s => s.Message is SipRequest { Method.Name: "BYE" });
    }

    [Fact]
    public async Task VoiceAppHangsUpWhilePending_AndTheTransferFails_ThePhoneGetsABye()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;
        await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.CallId!, "5551234", "key:test");
        var (invite, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5551234@", StringComparison.Ordinal));
        await bench.ReceiveAsync(call.FromCallee("BYE", 2), call.Callee);

        await bench.ReceiveAsync(Respond(invite, 503, "target1"), Target);

        await bench.Sender.WaitForRequestAsync("BYE", mark, "a-leg-1");
        Assert.StartsWith("transfer to 5551234 failed (503", (await bench.Records.Ended).Reason);
        Assert.Empty(bench.Calls.GetCalls());
    }

    [Fact]
    public async Task PhoneHangsUpWhilePending_TheNewLegIsCancelled_AndTheTransferFails()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;
        var started = await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.CallId!, "5551234", "key:test");
        var (invite, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5551234@", StringComparison.Ordinal));
        await bench.ReceiveAsync(Respond(invite, 180, "target1"), Target);

        await bench.ReceiveAsync(call.FromCaller("BYE", 3), Phone);

        await bench.Sender.WaitForRequestAsync("CANCEL", mark, invite.CallId);
        await bench.Sender.WaitForRequestAsync("BYE", mark, call.CalleeInvite.CallId);
        var failed = await bench.Calls.WaitForTransferAsync(started.Transfer!.Id, TimeSpan.FromSeconds(5));
        Assert.Equal((TransferState.Failed, 487), (failed!.State, failed.Status));
    }

    [Fact]
    public async Task OneTransferAtATime_AndTheTransferredCallCanBeTransferredAgain()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;
        var first = await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.CallId!, "5551234", "key:test");
        var (invite, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5551234@", StringComparison.Ordinal));

        var second = await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.CallId!, "5559999", "key:test");
        Assert.Equal(TransferStartOutcome.AlreadyTransferring, second.Outcome);

        await bench.ReceiveAsync(Respond(invite, 200, "target1", TargetSdp, "<sip:target@192.0.2.30:5090>"), Target);
        var (reinvite, _) = await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Invite && r.CallId == "a-leg-1", mark);
        await bench.ReceiveAsync(Respond(reinvite, 200, "caller1", CallerSdp, "<sip:alice@192.0.2.10:5060>"), Phone);
        await WaitForTransferAsync(first.Transfer!.Id, TransferState.Answered);

        var again = await bench.Calls.BlindTransferAsync("owner-1", invite.CallId!, "5552222", "key:test");
        Assert.Equal(TransferStartOutcome.Started, again.Outcome);
        Assert.Equal(invite.CallId, again.Transfer!.ReplacedLegCallId);
        await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5552222@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lookup_ByTheFromUserToken_FindsTheVoiceAppLeg()
    {
        var call = await bench.EstablishAsync("app@192.0.2.20:5080[fu=xfer-#{sys.CallNumber}]");
        Assert.StartsWith("xfer-", call.CalleeInvite.From!.SipUri!.User);

        var started = await bench.Calls.BlindTransferAsync("owner-1", call.CalleeInvite.From.SipUri.User!, "5551234", "key:test");

        Assert.Equal(TransferStartOutcome.Started, started.Outcome);
        Assert.Equal(call.CalleeInvite.CallId, started.Transfer!.ReplacedLegCallId);
        Assert.Equal("a-leg-1", started.Transfer.RemainingLegCallId);
    }

    [Fact]
    public async Task Refusals_SayWhy()
    {
        var call = await bench.EstablishAsync();
        var leg = call.CalleeInvite.CallId!;

        Assert.Equal(TransferStartOutcome.NotFound, (await bench.Calls.BlindTransferAsync("owner-1", "no-such-leg", "5551234", "k")).Outcome);
        Assert.Equal(TransferStartOutcome.NotFound, (await bench.Calls.BlindTransferAsync("owner-2", leg, "5551234", "k")).Outcome);
        Assert.Equal(TransferStartOutcome.InvalidDestination, (await bench.Calls.BlindTransferAsync("owner-1", leg, "555\r\nX: y", "k")).Outcome);
        Assert.Equal(TransferStartOutcome.InvalidDestination, (await bench.Calls.BlindTransferAsync("owner-1", leg, "bob@evil.example", "k")).Outcome);
        bench.Dialplans.Dialplans.Remove(("owner-1", "transfer"));
        var missing = await bench.Calls.BlindTransferAsync("owner-1", leg, "5551234", "k");
        Assert.Equal(TransferStartOutcome.NoTransferDialplan, missing.Outcome);
        Assert.Contains("no dialplan named 'transfer'", missing.Problem);
    }

    [Fact]
    public async Task NotAnsweredYet_IsRefused()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20:5080\")");
        var mark = bench.Sender.Count;
        await bench.CallAsAliceAsync("232");
        var (placed, _) = await bench.PlacedInviteAsync(mark);

        var result = await bench.Calls.BlindTransferAsync("owner-1", placed.CallId!, "5551234", "k");

        Assert.Equal(TransferStartOutcome.NotAnswered, result.Outcome);
    }

    [Fact]
    public async Task ReferFromThePhone_Gets202_NotifiesProgress_AndBridgesTheVoiceAppToTheTarget()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(Refer(call, "<sip:5551234@192.0.2.1>"), Phone);

        await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 202 && r.CSeq!.Method == SipMethod.Refer, mark);
        var (trying, _) = await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Notify && r.CallId == "a-leg-1", mark);
        Assert.Equal("SIP/2.0 100 Trying\r\n", Text(trying.Body));
        Assert.Equal("message/sipfrag;version=2.0", trying.Headers.GetFirst("Content-Type"));
        Assert.StartsWith("refer", trying.Headers.GetFirst("Event"));
        Assert.StartsWith("active", trying.Headers.GetFirst("Subscription-State"));
        var (invite, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString().StartsWith("sip:5551234@", StringComparison.Ordinal));
        Assert.Equal("app", invite.From!.SipUri!.User);
        Assert.Contains("m=audio 5000", Text(invite.Body));

        await bench.ReceiveAsync(Respond(invite, 200, "target1", TargetSdp, "<sip:target@192.0.2.30:5090>"), Target);

        var final = await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Notify && Text(r.Body) == "SIP/2.0 200 OK\r\n", mark);
        Assert.StartsWith("terminated", final.Message.Headers.GetFirst("Subscription-State"));
        var (bye, _) = await bench.Sender.WaitForRequestAsync("BYE", mark, "a-leg-1");
        Assert.True(bye.CSeq!.Number > final.Message.CSeq!.Number);
        var (reinvite, to) = await bench.Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Invite && r.CallId == call.CalleeInvite.CallId, mark);
        Assert.Equal(call.Callee, to);
        Assert.Contains("m=audio 6000", Text(reinvite.Body));
    }

    [Fact]
    public async Task ReferWithReplaces_IsRefusedWith501_AndNothingIsDialled()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(Refer(call, "<sip:bob@192.0.2.1?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>"), Phone);

        await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 501 && r.CSeq!.Method == SipMethod.Refer, mark);
        Assert.DoesNotContain(bench.Sender.Sent.Skip(mark), s => s.Message is SipRequest { Method.Name: "INVITE" });
    }

    [Fact]
    public async Task ReferWithoutATransferDialplan_IsForbidden()
    {
        var call = await bench.EstablishAsync();
        bench.Dialplans.Dialplans.Remove(("owner-1", "transfer"));
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(Refer(call, "<sip:5551234@192.0.2.1>"), Phone);

        var (refused, _) = await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 403 && r.CSeq!.Method == SipMethod.Refer, mark);
        Assert.Contains("transfer", refused.ReasonPhrase);
    }

    private static SipRequest Refer(EstablishedCall call, string referTo)
    {
        var refer = call.FromCaller("REFER", 3);
        refer.Headers.Add("Refer-To", referTo);
        return Portal.Tests.Sip.Transactions.TransactionTestMessages.Reparse(refer);
    }

    private static string[] Origin(ReadOnlyMemory<byte> body) => Text(body).Split("\r\n")[1].Split(' ');

    private async Task WaitForTransferAsync(string id, TransferState state)
    {
        for (var i = 0; i < 100 && bench.Calls.FindTransfer(id)?.State != state; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(state, bench.Calls.FindTransfer(id)?.State);
    }
}

using Portal.Sip.Calls.Records;
using Portal.Sip.Calls;
using Portal.Tests.Sip.Transactions;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>Requests inside an answered call's dialogs: BYE cascades, re-INVITE and INFO relay between the legs (DESIGN §5).</summary>
public sealed class CallManagerInDialogTests
{
    private const string HoldSdp = "v=0\r\no=phone 100 101 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n";

    private readonly CallBench bench = new();

    [Fact]
    public async Task CallerHangsUp_The200GoesBack_TheCalleeGetsABye_AndTheCallEnds()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(call.FromCaller("BYE", 3), Phone);

        await bench.Sender.WaitForAsync<Portal.Sip.Messages.SipResponse>(r => r.StatusCode == 200 && r.CSeq!.Method.Name == "BYE", mark);
        var (bye, to) = await bench.Sender.WaitForRequestAsync("BYE", mark, call.CalleeInvite.CallId);
        Assert.Equal(call.Callee, to);
        Assert.Equal("sip:callee@192.0.2.20:5060", bye.Uri.ToString());
        Assert.Equal((call.CalleeInvite.From!.Tag, "callee1"), (bye.From!.Tag, bye.To!.Tag));
        Assert.Equal((CallEndStatus.Completed, "caller hung up"), ((await bench.Records.Ended).Status, (await bench.Records.Ended).Reason));
        Assert.Equal(0, bench.Calls.Count);
    }

    [Fact]
    public async Task CalleeHangsUp_TheCallerGetsABye()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(call.FromCallee("BYE", 1), call.Callee);

        var (bye, to) = await bench.Sender.WaitForRequestAsync("BYE", mark, "a-leg-1");
        Assert.Equal(Phone, to);
        Assert.Equal("sip:alice@192.0.2.10:5060", bye.Uri.ToString());
        Assert.Equal((call.CallerOk.To!.Tag, "caller1"), (bye.From!.Tag, bye.To!.Tag));
        Assert.Equal("callee hung up", (await bench.Records.Ended).Reason);
    }

    [Fact]
    public async Task Reinvite_FromTheCaller_ReachesTheCalleeUnderItsOwnOrigin_AndTheAnswerComesBack()
    {
        var call = await bench.EstablishAsync();
        var firstOrigin = Text(call.CalleeInvite.Body).Split("\r\n")[1];
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(call.FromCaller("INVITE", 3, HoldSdp), Phone);

        var (reinvite, _) = await bench.Sender.WaitForAsync<Portal.Sip.Messages.SipRequest>(
            r => r.Method.Name == "INVITE" && r.CallId == call.CalleeInvite.CallId && r.To!.Tag == "callee1", mark);
        Assert.Equal(2U, reinvite.CSeq!.Number);
        var origin = Text(reinvite.Body).Split("\r\n")[1].Split(' ');
        var before = firstOrigin.Split(' ');
        Assert.Equal((before[0], before[1]), (origin[0], origin[1]));
        Assert.Equal(ulong.Parse(before[2]) + 1, ulong.Parse(origin[2]));
        Assert.EndsWith("a=sendonly\r\n", Text(reinvite.Body));

        await bench.ReceiveAsync(Respond(reinvite, 200, "callee1", CalleeSdp.Replace("200 200", "200 201") + "a=recvonly\r\n"), call.Callee);

        await bench.Sender.WaitForAsync<Portal.Sip.Messages.SipRequest>(r => r.Method.Name == "ACK" && r.CallId == call.CalleeInvite.CallId && r.CSeq!.Number == 2, mark);
        var (ok, _) = await bench.Sender.WaitForAsync<Portal.Sip.Messages.SipResponse>(r => r.StatusCode == 200 && r.CallId == "a-leg-1" && r.CSeq!.Number == 3, mark);
        Assert.EndsWith("a=recvonly\r\n", Text(ok.Body));
        Assert.Equal(Text(call.CallerOk.Body).Split("\r\n")[1].Split(' ')[1], Text(ok.Body).Split("\r\n")[1].Split(' ')[1]);
    }

    [Fact]
    public async Task Info_FromTheCallee_IsRelayedToTheCaller_AndItsResponseComesBack()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(call.FromCallee("INFO", 2), call.Callee);

        var (info, _) = await bench.Sender.WaitForRequestAsync("INFO", mark, "a-leg-1");
        await bench.ReceiveAsync(TransactionTestMessages.ResponseTo(info, 486, "caller1"), Phone);
        await bench.Sender.WaitForAsync<Portal.Sip.Messages.SipResponse>(r => r.StatusCode == 486 && r.CallId == call.CalleeInvite.CallId, mark);
    }

    [Fact]
    public async Task Update_FromTheCallee_IsRelayedToTheCaller_WithTheAnswerBack()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(call.FromCallee("UPDATE", 2, CalleeSdp.Replace("200 200", "200 201") + "a=sendonly\r\n"), call.Callee);

        var (update, _) = await bench.Sender.WaitForRequestAsync("UPDATE", mark, "a-leg-1");
        Assert.EndsWith("a=sendonly\r\n", Text(update.Body));
        Assert.Equal("sip:alice@192.0.2.10:5060", update.Uri.ToString());
        await bench.ReceiveAsync(Respond(update, 200, "caller1", HoldSdp), Phone);
        var (ok, _) = await bench.Sender.WaitForAsync<Portal.Sip.Messages.SipResponse>(r => r.StatusCode == 200 && r.CallId == call.CalleeInvite.CallId, mark);
        Assert.EndsWith("a=sendonly\r\n", Text(ok.Body));
        Assert.StartsWith("o=- ", Text(ok.Body).Split("\r\n")[1]);
    }

    [Fact]
    public async Task CrossingOffers_TheSecondGets491()
    {
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;
        await bench.ReceiveAsync(call.FromCaller("INVITE", 3, HoldSdp), Phone);
        await bench.Sender.WaitForRequestAsync("INVITE", mark, call.CalleeInvite.CallId);

        await bench.ReceiveAsync(call.FromCallee("INVITE", 2, CalleeSdp), call.Callee);

        await bench.Sender.WaitForAsync<Portal.Sip.Messages.SipResponse>(r => r.StatusCode == 491 && r.CallId == call.CalleeInvite.CallId, mark);
    }

    [Fact]
    public async Task Bye_ForNoDialogOfOurs_Gets481()
    {
        await bench.ReceiveAsync(InDialog("BYE", "sip:192.0.2.1:5060", "<sip:x@192.0.2.10>;tag=x", "<sip:y@192.0.2.1>;tag=y", "nobody", 2), Phone);

        await bench.Sender.WaitForResponseAsync(481, "nobody");
    }

    [Fact]
    public async Task OutOfOrderRequest_Gets500()
    {
        var call = await bench.EstablishAsync();

        await bench.ReceiveAsync(call.FromCaller("INFO", 1), Phone);

        await bench.Sender.WaitForAsync<Portal.Sip.Messages.SipResponse>(r => r.StatusCode == 500 && r.CSeq!.Method.Name == "INFO");
    }
}

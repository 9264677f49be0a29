using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Portal.Sip.Messages;
using Portal.Sip.Transactions;

using static Portal.Tests.Sip.Transactions.TransactionTestMessages;

namespace Portal.Tests.Sip.Transactions;

public sealed class SipTransactionLayerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeSipMessageSender _sender;
    private readonly RecordingRequestHandler _handler = new();
    private readonly SipTransactionLayer _layer;

    public SipTransactionLayerTests()
    {
        _sender = new FakeSipMessageSender(_time);
        _layer = new SipTransactionLayer(_sender, _handler, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task ReceiveAsync_CancelOfInviteInProgress_Answers200AndSignalsCancelled()
    {
        SipRequest request = Request("INVITE");
        await _layer.ReceiveAsync(request, UdpPhone, UdpLocal);
        InviteServerTransaction invite = Assert.IsType<InviteServerTransaction>(Assert.Single(_handler.Transactions));
        await invite.SendResponseAsync(request.CreateResponse(180, null, "uas"));

        await _layer.ReceiveAsync(Reparse(request.CreateCancel()), UdpPhone, UdpLocal);

        SipResponse ok = _sender.Responses[^1];
        Assert.Equal((200, SipMethod.Cancel), (ok.StatusCode, ok.CSeq!.Method));
        Assert.Equal("uas", ok.To!.Tag);
        Assert.True(invite.Cancelled.IsCancellationRequested);
        Assert.Single(_handler.Transactions);

        SipResponse terminated = request.CreateResponse(SipStatusCodes.RequestTerminated, null, "uas");
        await invite.SendResponseAsync(terminated);
        await _layer.ReceiveAsync(AckFor(request, terminated), UdpPhone, UdpLocal);
        Assert.Equal(ServerTransactionState.Confirmed, invite.State);
        Assert.Empty(_handler.Acks);
    }

    [Fact]
    public async Task ReceiveAsync_CancelledInviteTheTuNeverAnswers_Answered487After64T1()
    {
        SipRequest request = Request("INVITE");
        await _layer.ReceiveAsync(request, UdpPhone, UdpLocal);
        ServerTransaction invite = Assert.Single(_handler.Transactions);
        await _layer.ReceiveAsync(Reparse(request.CreateCancel()), UdpPhone, UdpLocal);

        _time.AdvanceSeconds(32);

        Assert.Contains(_sender.Responses, r => r.StatusCode == SipStatusCodes.RequestTerminated && r.CSeq!.Method == SipMethod.Invite);
        Assert.Equal(ServerTransactionState.Completed, invite.State);
        _time.AdvanceSeconds(32);
        Assert.Equal(0, _layer.ServerTransactionCount);
    }

    [Fact]
    public async Task ReceiveAsync_CancelMatchingNothing_Answers481()
    {
        await _layer.ReceiveAsync(Reparse(Request("INVITE").CreateCancel()), UdpPhone, UdpLocal);

        SipResponse response = Assert.Single(_sender.Responses);
        Assert.Equal(SipStatusCodes.CallOrTransactionDoesNotExist, response.StatusCode);
        Assert.Empty(_handler.Transactions);
    }

    [Fact]
    public async Task ReceiveAsync_CancelAfterFinalResponse_Answers200WithoutCancelling()
    {
        SipRequest request = Request("INVITE");
        await _layer.ReceiveAsync(request, UdpPhone, UdpLocal);
        InviteServerTransaction invite = Assert.IsType<InviteServerTransaction>(Assert.Single(_handler.Transactions));
        await invite.SendResponseAsync(request.CreateResponse(200, null, "uas"));

        await _layer.ReceiveAsync(Reparse(request.CreateCancel()), UdpPhone, UdpLocal);

        Assert.Equal(200, _sender.Responses[^1].StatusCode);
        Assert.False(invite.Cancelled.IsCancellationRequested);
    }

    [Fact]
    public async Task ReceiveAsync_RetransmittedCancel_ResendsIts200()
    {
        SipRequest request = Request("INVITE");
        await _layer.ReceiveAsync(request, UdpPhone, UdpLocal);
        SipRequest cancel = Reparse(request.CreateCancel());

        await _layer.ReceiveAsync(cancel, UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(Reparse(cancel), UdpPhone, UdpLocal);

        Assert.Equal(2, _sender.Responses.Count(r => r.CSeq!.Method == SipMethod.Cancel && r.StatusCode == 200));
    }

    [Fact]
    public async Task ReceiveAsync_MergedRequestOnAnotherBranch_Answers482WithoutTellingTheTu()
    {
        await _layer.ReceiveAsync(Request("INVITE", branch: "z9hG4bKpath1"), UdpPhone, UdpLocal);

        await _layer.ReceiveAsync(Request("INVITE", branch: "z9hG4bKpath2"), UdpPhone, UdpLocal);

        Assert.Single(_handler.Transactions);
        SipResponse loop = Assert.Single(_sender.Responses);
        Assert.Equal(SipStatusCodes.LoopDetected, loop.StatusCode);
        Assert.Equal("z9hG4bKpath2", loop.TopVia!.Branch);
        Assert.NotNull(loop.To!.Tag);
    }

    [Fact]
    public async Task ReceiveAsync_Rfc4475BadBranch_HandledAsValidWithRfc2543Matching()
    {
        byte[] badBranch = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Rfc4475", "badbranch.dat"));
        SipParseResult parsed = SipMessageParser.Parse(badBranch);
        Assert.True(parsed.Succeeded, parsed.Error?.ToString());
        _handler.Answer = t => t.SendResponseAsync(t.Request.CreateResponse(200, null, "uas"));

        await _layer.ReceiveAsync(parsed.Message, UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(SipMessageParser.Parse(badBranch).Message!, UdpPhone, UdpLocal);

        ServerTransaction options = Assert.Single(_handler.Transactions);
        Assert.True(options.Key.IsRfc2543);
        Assert.Equal(new[] { 200, 200 }, _sender.Responses.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task ReceiveAsync_Rfc2543InviteAndAckWithoutBranch_AckAbsorbedByTheTransaction()
    {
        SipRequest request = Request("INVITE", branch: "");
        await _layer.ReceiveAsync(request, UdpPhone, UdpLocal);
        ServerTransaction invite = Assert.Single(_handler.Transactions);
        SipResponse busy = request.CreateResponse(486, null, "uas");
        await invite.SendResponseAsync(busy);

        await _layer.ReceiveAsync(Request("INVITE", branch: ""), UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(AckFor(request, busy), UdpPhone, UdpLocal);

        Assert.Single(_handler.Transactions);
        Assert.Equal(2, _sender.Responses.Count(r => r.StatusCode == 486));
        Assert.Equal(ServerTransactionState.Confirmed, invite.State);
        Assert.Empty(_handler.Acks);
    }

    [Fact]
    public async Task ReceiveAsync_ResponseMatchingNoTransaction_GoesToTheStrayHandler()
    {
        SipResponse stray = ResponseTo(Request("INVITE", branch: SipTransactionLayer.NewBranch()), 200);

        await _layer.ReceiveAsync(stray, UdpPhone, UdpLocal);

        Assert.Same(stray, Assert.Single(_handler.StrayResponses));
    }

    [Fact]
    public async Task Tables_AfterEveryTransactionTerminates_AreEmpty()
    {
        _handler.Answer = t => t.Request.Method == SipMethod.Invite && t.Request.CSeq!.Number == 1
            ? t.SendResponseAsync(t.Request.CreateResponse(200, null, "uas"))
            : t.Request.Method == SipMethod.Invite ? ValueTask.CompletedTask
            : t.SendResponseAsync(t.Request.CreateResponse(200, null, "uas"));
        await _layer.ReceiveAsync(Request("INVITE", branch: "z9hG4bKa", cseq: 1), UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(Request("INVITE", branch: "z9hG4bKb", cseq: 2), UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(Request("INVITE", branch: "z9hG4bKc", cseq: 2), UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(Reparse(Request("INVITE", branch: "z9hG4bKb", cseq: 2).CreateCancel()), UdpPhone, UdpLocal);
        await _handler.Transactions[1].SendResponseAsync(_handler.Transactions[1].Request.CreateResponse(487, null, "uas"));
        await _layer.ReceiveAsync(Request("OPTIONS", branch: "z9hG4bKd", transport: "TCP"), TcpPhone, TcpLocal);
        await _layer.ReceiveAsync(Request("REGISTER", branch: "z9hG4bKe"), UdpPhone, UdpLocal);
        ClientTransaction invite = _layer.SendRequest(Request("INVITE", branch: SipTransactionLayer.NewBranch()), UdpPhone);
        await _layer.ReceiveAsync(ResponseTo(invite.Request, 603), UdpPhone, UdpLocal);
        _layer.SendRequest(Request("OPTIONS", branch: SipTransactionLayer.NewBranch()), UdpPhone);
        Assert.True(_layer.ServerTransactionCount > 0 && _layer.ClientTransactionCount > 0 && _layer.MergeIndexCount > 0);

        _time.AdvanceSeconds(64);

        Assert.Equal(0, _layer.ServerTransactionCount);
        Assert.Equal(0, _layer.ClientTransactionCount);
        Assert.Equal(0, _layer.MergeIndexCount);
    }

    [Fact]
    public async Task TimerQueue_AfterEveryTransactionTerminates_HoldsNoTimer()
    {
        ClientTransaction invite = _layer.SendRequest(Request("INVITE", branch: SipTransactionLayer.NewBranch()), UdpPhone);
        await _layer.ReceiveAsync(ResponseTo(invite.Request, 200), UdpPhone, UdpLocal);
        _layer.SendRequest(Request("OPTIONS", branch: SipTransactionLayer.NewBranch()), UdpPhone);
        await _layer.ReceiveAsync(Request("REGISTER", branch: "z9hG4bKe"), UdpPhone, UdpLocal);
        Assert.True(_layer.TimerQueue.Count > 0);

        _time.AdvanceSeconds(64);

        Assert.Equal(0, _layer.ServerTransactionCount + _layer.ClientTransactionCount);
        Assert.Equal(0, _layer.TimerQueue.Count);
    }

    [Fact]
    public void Dispose_ClientTransactionRetransmitting_SendsNothingMore()
    {
        ClientTransaction options = _layer.SendRequest(Request("OPTIONS", branch: SipTransactionLayer.NewBranch()), UdpPhone);
        _time.AdvanceSeconds(1);
        int sent = _sender.Requests.Count;

        _layer.Dispose();
        _time.AdvanceSeconds(10);

        Assert.Equal(2, sent);
        Assert.Equal(sent, _sender.Requests.Count);
        Assert.False(options.Completion.IsCompleted);
    }
}

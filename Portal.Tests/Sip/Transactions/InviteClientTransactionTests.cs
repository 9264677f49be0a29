using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Portal.Sip.Messages;
using Portal.Sip.Transactions;

using static Portal.Tests.Sip.Transactions.TransactionTestMessages;

namespace Portal.Tests.Sip.Transactions;

public sealed class InviteClientTransactionTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeSipMessageSender _sender;
    private readonly RecordingRequestHandler _handler = new();
    private readonly SipTransactionLayer _layer;

    public InviteClientTransactionTests()
    {
        _sender = new FakeSipMessageSender(_time);
        _layer = new SipTransactionLayer(_sender, _handler, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task SendRequest_UdpWithoutAnswer_RetransmitsOnTimerADoublingUntilTimerBGives408()
    {
        ClientTransaction invite = _layer.SendRequest(NewInvite(), UdpPhone);

        _time.AdvanceSeconds(31.9);
        Assert.False(invite.Completion.IsCompleted);
        _time.AdvanceSeconds(0.1);

        Assert.Equal(new[] { 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 }, _sender.SendTimes(IsInvite));
        Assert.Equal(SipStatusCodes.RequestTimeout, (await invite.Completion).StatusCode);
        Assert.Equal(ClientTransactionState.Terminated, invite.State);
        Assert.Equal(0, _layer.ClientTransactionCount);
    }

    [Fact]
    public async Task SendRequest_TcpWithoutAnswer_SendsOnceAndTimesOutAfter32Seconds()
    {
        ClientTransaction invite = _layer.SendRequest(NewInvite("TCP"), TcpPhone);

        _time.AdvanceSeconds(32);

        Assert.Equal(new[] { 0.0 }, _sender.SendTimes(IsInvite));
        Assert.Equal(SipStatusCodes.RequestTimeout, (await invite.Completion).StatusCode);
    }

    [Fact]
    public async Task Response_Provisional_StopsRetransmissionsAndTimerB()
    {
        ClientTransaction invite = _layer.SendRequest(NewInvite(), UdpPhone);
        List<int> provisional = [];
        invite.ProvisionalReceived += r => provisional.Add(r.StatusCode);

        _time.AdvanceSeconds(0.2);
        await _layer.ReceiveAsync(ResponseTo(invite.Request, 180), UdpPhone, UdpLocal);
        _time.AdvanceSeconds(60);

        Assert.Equal(new[] { 180 }, provisional);
        Assert.Equal(new[] { 0.0 }, _sender.SendTimes(IsInvite));
        Assert.False(invite.Completion.IsCompleted);
        Assert.Equal(ClientTransactionState.Proceeding, invite.State);
    }

    [Fact]
    public async Task Response_NonSuccessFinal_AcksItAndAbsorbsItsRetransmissionsUntilTimerD()
    {
        ClientTransaction invite = _layer.SendRequest(NewInvite(), UdpPhone);
        SipResponse busy = ResponseTo(invite.Request, 486, "callee");

        await _layer.ReceiveAsync(busy, UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(busy, UdpPhone, UdpLocal);

        Assert.Equal(486, (await invite.Completion).StatusCode);
        Assert.Equal(2, _sender.Requests.Count(r => r.Method == SipMethod.Ack));
        SipRequest ack = _sender.Requests.Last();
        Assert.Equal(invite.Request.TopVia!.Branch, ack.TopVia!.Branch);
        Assert.Equal("callee", ack.To!.Tag);
        Assert.Equal(new CSeqHeader(1, SipMethod.Ack), ack.CSeq);
        Assert.Empty(_handler.StrayResponses);

        _time.AdvanceSeconds(31.9);
        Assert.Equal(ClientTransactionState.Completed, invite.State);
        _time.AdvanceSeconds(0.1);
        Assert.Equal(ClientTransactionState.Terminated, invite.State);
        Assert.Equal(0, _layer.ClientTransactionCount);
    }

    [Fact]
    public async Task Response_SuccessFinal_CompletesWithoutAckAndPassesRetransmissionsToTheTu()
    {
        ClientTransaction invite = _layer.SendRequest(NewInvite(), UdpPhone);
        SipResponse ok = ResponseTo(invite.Request, 200);

        await _layer.ReceiveAsync(ok, UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(ok, UdpPhone, UdpLocal);
        _time.AdvanceSeconds(32);
        await _layer.ReceiveAsync(ok, UdpPhone, UdpLocal);

        Assert.Equal(200, (await invite.Completion).StatusCode);
        Assert.DoesNotContain(_sender.Requests, r => r.Method == SipMethod.Ack);
        Assert.Equal(2, _handler.StrayResponses.Count);
        Assert.Equal(ClientTransactionState.Terminated, invite.State);
        Assert.Equal(0, _layer.ClientTransactionCount);
    }

    [Fact]
    public async Task CancelAsync_BeforeAnyProvisional_WaitsForOneThenSendsCancel()
    {
        InviteClientTransaction invite = Assert.IsType<InviteClientTransaction>(_layer.SendRequest(NewInvite(), UdpPhone));

        await invite.CancelAsync();
        Assert.DoesNotContain(_sender.Requests, r => r.Method == SipMethod.Cancel);

        await _layer.ReceiveAsync(ResponseTo(invite.Request, 180), UdpPhone, UdpLocal);

        SipRequest cancel = Assert.Single(_sender.Requests, r => r.Method == SipMethod.Cancel);
        Assert.Equal(invite.Request.TopVia!.Branch, cancel.TopVia!.Branch);
        Assert.Equal(new CSeqHeader(1, SipMethod.Cancel), cancel.CSeq);
        Assert.Equal(invite.Request.Uri, cancel.Uri);
        Assert.NotNull(invite.CancelTransaction);

        await _layer.ReceiveAsync(ResponseTo(cancel, 200), UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(ResponseTo(invite.Request, 487), UdpPhone, UdpLocal);

        Assert.Equal(200, (await invite.CancelTransaction.Completion).StatusCode);
        Assert.Equal(487, (await invite.Completion).StatusCode);
        Assert.Contains(_sender.Requests, r => r.Method == SipMethod.Ack);
    }

    [Fact]
    public async Task CancelAsync_AfterFinalResponse_SendsNothing()
    {
        InviteClientTransaction invite = Assert.IsType<InviteClientTransaction>(_layer.SendRequest(NewInvite(), UdpPhone));
        await _layer.ReceiveAsync(ResponseTo(invite.Request, 180), UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(ResponseTo(invite.Request, 200), UdpPhone, UdpLocal);

        await invite.CancelAsync();

        Assert.DoesNotContain(_sender.Requests, r => r.Method == SipMethod.Cancel);
    }

    [Fact]
    public async Task CancelAsync_NoFinalResponseFollows_EndsWith487After64T1()
    {
        InviteClientTransaction invite = Assert.IsType<InviteClientTransaction>(_layer.SendRequest(NewInvite(), UdpPhone));
        await _layer.ReceiveAsync(ResponseTo(invite.Request, 180), UdpPhone, UdpLocal);

        await invite.CancelAsync();
        _time.AdvanceSeconds(32);

        Assert.Equal(SipStatusCodes.RequestTerminated, (await invite.Completion).StatusCode);
        Assert.Equal(0, _layer.ClientTransactionCount);
    }

    [Fact]
    public async Task SendRequest_TransportFails_CompletesWith503()
    {
        _sender.Failure = new IOException("connection refused");

        ClientTransaction invite = _layer.SendRequest(NewInvite("TCP"), TcpPhone);

        Assert.Equal(SipStatusCodes.ServiceUnavailable, (await invite.Completion).StatusCode);
        Assert.Equal(ClientTransactionState.Terminated, invite.State);
        Assert.Equal(0, _layer.ClientTransactionCount);
    }

    private static SipRequest NewInvite(string transport = "UDP") =>
        Request("INVITE", branch: SipTransactionLayer.NewBranch(), transport: transport);

    private static bool IsInvite(SipMessage message) => message is SipRequest { Method.Name: "INVITE" };
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Portal.Sip.Messages;
using Portal.Sip.Transactions;

using static Portal.Tests.Sip.Transactions.TransactionTestMessages;

namespace Portal.Tests.Sip.Transactions;

public sealed class InviteServerTransactionTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeSipMessageSender _sender;
    private readonly RecordingRequestHandler _handler = new();
    private readonly SipTransactionLayer _layer;

    public InviteServerTransactionTests()
    {
        _sender = new FakeSipMessageSender(_time);
        _layer = new SipTransactionLayer(_sender, _handler, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task ReceiveAsync_TuSilentFor200Ms_Sends100Trying()
    {
        await _layer.ReceiveAsync(Request("INVITE"), UdpPhone, UdpLocal);

        _time.AdvanceInSteps(TimeSpan.FromMilliseconds(199));
        Assert.Empty(_sender.Sent);
        _time.AdvanceInSteps(TimeSpan.FromMilliseconds(1));

        (SipMessage trying, var remote, _) = Assert.Single(_sender.Sent);
        Assert.Equal(SipStatusCodes.Trying, Assert.IsType<SipResponse>(trying).StatusCode);
        Assert.Equal(UdpPhone, remote);
    }

    [Fact]
    public async Task ReceiveAsync_TuAnswersWithin200Ms_SendsNo100Trying()
    {
        await _layer.ReceiveAsync(Request("INVITE"), UdpPhone, UdpLocal);
        ServerTransaction invite = Assert.Single(_handler.Transactions);

        _time.AdvanceSeconds(0.1);
        await invite.SendResponseAsync(invite.Request.CreateResponse(180, null, "uas"));
        _time.AdvanceSeconds(1);

        Assert.Equal(new[] { 180 }, _sender.Responses.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task ReceiveAsync_RetransmittedInviteWhileProceeding_ResendsLastProvisionalWithoutTellingTheTu()
    {
        SipRequest request = Request("INVITE");
        await _layer.ReceiveAsync(request, UdpPhone, UdpLocal);
        ServerTransaction invite = Assert.Single(_handler.Transactions);
        await invite.SendResponseAsync(invite.Request.CreateResponse(180, null, "uas"));

        await _layer.ReceiveAsync(Request("INVITE"), UdpPhone, UdpLocal);

        Assert.Single(_handler.Transactions);
        Assert.Equal(new[] { 180, 180 }, _sender.Responses.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task SendResponseAsync_NonSuccessFinalOverUdp_RetransmittedOnTimerGUntilAckThenTimerIEnds()
    {
        ServerTransaction invite = await ReceiveInviteAsync();
        SipResponse busy = invite.Request.CreateResponse(486, null, "uas");
        await invite.SendResponseAsync(busy);

        _time.AdvanceSeconds(4);
        await _layer.ReceiveAsync(AckFor(invite.Request, busy), UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(Request("INVITE"), UdpPhone, UdpLocal);
        _time.AdvanceSeconds(4.9);

        Assert.Equal(new[] { 0, 0.5, 1.5, 3.5 }, _sender.SendTimes(m => m is SipResponse { StatusCode: 486 }));
        Assert.Empty(_handler.Acks);
        Assert.Equal(ServerTransactionState.Confirmed, invite.State);
        _time.AdvanceSeconds(0.1);
        Assert.Equal(ServerTransactionState.Terminated, invite.State);
        Assert.Equal(0, _layer.ServerTransactionCount);
    }

    [Fact]
    public async Task SendResponseAsync_NonSuccessFinalNeverAcked_RetransmitsCappedAtT2UntilTimerH()
    {
        ServerTransaction invite = await ReceiveInviteAsync();
        await invite.SendResponseAsync(invite.Request.CreateResponse(486, null, "uas"));

        _time.AdvanceSeconds(31.9);
        Assert.Equal(ServerTransactionState.Completed, invite.State);
        _time.AdvanceSeconds(0.1);

        Assert.Equal(
            new[] { 0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 },
            _sender.SendTimes(m => m is SipResponse { StatusCode: 486 }));
        Assert.Equal(ServerTransactionState.Terminated, invite.State);
        Assert.Equal(0, _layer.ServerTransactionCount);
    }

    [Fact]
    public async Task SendResponseAsync_NonSuccessFinalOverTcp_NotRetransmittedAndAckEndsTheTransaction()
    {
        await _layer.ReceiveAsync(Request("INVITE", transport: "TCP"), TcpPhone, TcpLocal);
        ServerTransaction invite = Assert.Single(_handler.Transactions);
        SipResponse busy = invite.Request.CreateResponse(486, null, "uas");
        await invite.SendResponseAsync(busy);

        _time.AdvanceSeconds(10);
        await _layer.ReceiveAsync(AckFor(invite.Request, busy), TcpPhone, TcpLocal);

        Assert.Single(_sender.Responses, r => r.StatusCode == 486);
        Assert.Equal(ServerTransactionState.Terminated, invite.State);
        Assert.Equal(0, _layer.ServerTransactionCount);
    }

    [Fact]
    public async Task SendResponseAsync_Success_AcceptedAbsorbsRetransmissionsPassesAckToTuUntilTimerL()
    {
        ServerTransaction invite = await ReceiveInviteAsync();
        SipResponse ok = invite.Request.CreateResponse(200, null, "uas");
        await invite.SendResponseAsync(ok);

        await _layer.ReceiveAsync(Request("INVITE"), UdpPhone, UdpLocal);
        SipRequest ack = Request("ACK", branch: "z9hG4bKack2", toTag: "uas");
        await _layer.ReceiveAsync(ack, UdpPhone, UdpLocal);

        Assert.Equal(ServerTransactionState.Accepted, invite.State);
        Assert.Single(_sender.Responses);
        Assert.Same(ack, Assert.Single(_handler.Acks));
        _time.AdvanceSeconds(32);
        Assert.Equal(ServerTransactionState.Terminated, invite.State);
        Assert.Equal(0, _layer.ServerTransactionCount);
    }

    [Fact]
    public async Task SendResponseAsync_SecondFinalResponse_IsDiscarded()
    {
        ServerTransaction invite = await ReceiveInviteAsync();
        await invite.SendResponseAsync(invite.Request.CreateResponse(486, null, "uas"));

        await invite.SendResponseAsync(invite.Request.CreateResponse(200, null, "uas"));

        Assert.Equal(new[] { 486 }, _sender.Responses.Select(r => r.StatusCode));
    }

    private async Task<ServerTransaction> ReceiveInviteAsync()
    {
        await _layer.ReceiveAsync(Request("INVITE"), UdpPhone, UdpLocal);
        return Assert.IsType<InviteServerTransaction>(Assert.Single(_handler.Transactions));
    }
}

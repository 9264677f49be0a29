using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Portal.Sip.Messages;
using Portal.Sip.Transactions;

using static Portal.Tests.Sip.Transactions.TransactionTestMessages;

namespace Portal.Tests.Sip.Transactions;

public sealed class NonInviteClientTransactionTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeSipMessageSender _sender;
    private readonly RecordingRequestHandler _handler = new();
    private readonly SipTransactionLayer _layer;

    public NonInviteClientTransactionTests()
    {
        _sender = new FakeSipMessageSender(_time);
        _layer = new SipTransactionLayer(_sender, _handler, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task SendRequest_UdpWithoutAnswer_RetransmitsOnTimerECappedAtT2UntilTimerFGives408()
    {
        ClientTransaction options = _layer.SendRequest(NewOptions(), UdpPhone);

        _time.AdvanceSeconds(31.9);
        Assert.False(options.Completion.IsCompleted);
        _time.AdvanceSeconds(0.1);

        Assert.Equal(new[] { 0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 }, _sender.SendTimes(IsOptions));
        Assert.Equal(SipStatusCodes.RequestTimeout, (await options.Completion).StatusCode);
        Assert.Equal(0, _layer.ClientTransactionCount);
    }

    [Fact]
    public async Task Response_ProvisionalInTrying_RetransmitsEveryT2()
    {
        ClientTransaction options = _layer.SendRequest(NewOptions(), UdpPhone);

        _time.AdvanceSeconds(0.2);
        await _layer.ReceiveAsync(ResponseTo(options.Request, 100), UdpPhone, UdpLocal);
        _time.AdvanceSeconds(10);

        Assert.Equal(ClientTransactionState.Proceeding, options.State);
        Assert.Equal(new[] { 0, 0.5, 4.5, 8.5 }, _sender.SendTimes(IsOptions));
    }

    [Fact]
    public async Task Response_Final_CompletesAndAbsorbsRetransmissionsUntilTimerK()
    {
        ClientTransaction options = _layer.SendRequest(NewOptions(), UdpPhone);
        SipResponse ok = ResponseTo(options.Request, 200);

        await _layer.ReceiveAsync(ok, UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(ok, UdpPhone, UdpLocal);
        _time.AdvanceSeconds(4.9);
        Assert.Equal(ClientTransactionState.Completed, options.State);
        _time.AdvanceSeconds(0.1);

        Assert.Equal(200, (await options.Completion).StatusCode);
        Assert.Empty(_handler.StrayResponses);
        Assert.Single(_sender.Sent);
        Assert.Equal(ClientTransactionState.Terminated, options.State);
        Assert.Equal(0, _layer.ClientTransactionCount);
    }

    [Fact]
    public async Task Response_FinalOverTcp_TerminatesAtOnceWithoutRetransmitting()
    {
        ClientTransaction options = _layer.SendRequest(NewOptions("TCP"), TcpPhone);
        _time.AdvanceSeconds(2);

        await _layer.ReceiveAsync(ResponseTo(options.Request, 200), TcpPhone, TcpLocal);

        Assert.Single(_sender.Sent);
        Assert.Equal(200, (await options.Completion).StatusCode);
        Assert.Equal(ClientTransactionState.Terminated, options.State);
        Assert.Equal(0, _layer.ClientTransactionCount);
    }

    [Fact]
    public void SendRequest_BranchWithoutMagicCookie_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => _layer.SendRequest(Request("OPTIONS", branch: "1234"), UdpPhone));
    }

    private static SipRequest NewOptions(string transport = "UDP") =>
        Request("OPTIONS", branch: SipTransactionLayer.NewBranch(), transport: transport);

    private static bool IsOptions(SipMessage message) => message is SipRequest { Method.Name: "OPTIONS" };
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Portal.Sip.Messages;
using Portal.Sip.Transactions;

using static Portal.Tests.Sip.Transactions.TransactionTestMessages;

namespace Portal.Tests.Sip.Transactions;

public sealed class NonInviteServerTransactionTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeSipMessageSender _sender;
    private readonly RecordingRequestHandler _handler = new();
    private readonly SipTransactionLayer _layer;

    public NonInviteServerTransactionTests()
    {
        _sender = new FakeSipMessageSender(_time);
        _layer = new SipTransactionLayer(_sender, _handler, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task ReceiveAsync_RetransmissionWhileTrying_IsAbsorbed()
    {
        await _layer.ReceiveAsync(Request("OPTIONS"), UdpPhone, UdpLocal);

        await _layer.ReceiveAsync(Request("OPTIONS"), UdpPhone, UdpLocal);

        Assert.Single(_handler.Transactions);
        Assert.Empty(_sender.Sent);
        Assert.Equal(ServerTransactionState.Trying, _handler.Transactions[0].State);
    }

    [Fact]
    public async Task ReceiveAsync_RetransmissionAfterFinal_ResendsTheFinalUntilTimerJ()
    {
        await _layer.ReceiveAsync(Request("OPTIONS"), UdpPhone, UdpLocal);
        ServerTransaction options = Assert.Single(_handler.Transactions);
        await options.SendResponseAsync(options.Request.CreateResponse(200, null, "uas"));

        _time.AdvanceSeconds(1);
        await _layer.ReceiveAsync(Request("OPTIONS"), UdpPhone, UdpLocal);
        _time.AdvanceSeconds(30.9);
        Assert.Equal(ServerTransactionState.Completed, options.State);
        _time.AdvanceSeconds(0.1);

        Assert.Single(_handler.Transactions);
        Assert.Equal(new[] { 0.0, 1.0 }, _sender.SendTimes(m => m is SipResponse { StatusCode: 200 }));
        Assert.Equal(ServerTransactionState.Terminated, options.State);
        Assert.Equal(0, _layer.ServerTransactionCount);
    }

    [Fact]
    public async Task ReceiveAsync_RetransmissionWhileProceeding_ResendsTheProvisional()
    {
        await _layer.ReceiveAsync(Request("REGISTER"), UdpPhone, UdpLocal);
        ServerTransaction register = Assert.Single(_handler.Transactions);
        await register.SendResponseAsync(register.Request.CreateResponse(100));

        await _layer.ReceiveAsync(Request("REGISTER"), UdpPhone, UdpLocal);

        Assert.Equal(ServerTransactionState.Proceeding, register.State);
        Assert.Equal(new[] { 100, 100 }, _sender.Responses.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task SendResponseAsync_FinalOverTcp_TerminatesAtOnce()
    {
        await _layer.ReceiveAsync(Request("OPTIONS", transport: "TCP"), TcpPhone, TcpLocal);
        ServerTransaction options = Assert.Single(_handler.Transactions);

        await options.SendResponseAsync(options.Request.CreateResponse(200, null, "uas"));

        Assert.Equal(TcpPhone, Assert.Single(_sender.Sent).Remote);
        Assert.Equal(ServerTransactionState.Terminated, options.State);
        Assert.Equal(0, _layer.ServerTransactionCount);
    }

    [Fact]
    public async Task ReceiveAsync_TuNeverAnswers_TransactionEndsAfter64T1()
    {
        await _layer.ReceiveAsync(Request("OPTIONS"), UdpPhone, UdpLocal);
        ServerTransaction options = Assert.Single(_handler.Transactions);

        _time.AdvanceSeconds(32);
        await options.SendResponseAsync(options.Request.CreateResponse(200, null, "uas"));

        Assert.Equal(ServerTransactionState.Terminated, options.State);
        Assert.Equal(0, _layer.ServerTransactionCount);
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task ReceiveAsync_HandlerThrows_LayerKeepsWorking()
    {
        _handler.Answer = _ => throw new InvalidOperationException("TU bug");

        await _layer.ReceiveAsync(Request("OPTIONS", branch: "z9hG4bKa"), UdpPhone, UdpLocal);
        await _layer.ReceiveAsync(Request("OPTIONS", branch: "z9hG4bKb", cseq: 2), UdpPhone, UdpLocal);

        Assert.Equal(2, _handler.Transactions.Count);
    }
}

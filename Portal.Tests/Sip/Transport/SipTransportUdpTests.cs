using System.Net;
using System.Net.Sockets;
using System.Text;

using Microsoft.Extensions.Logging.Abstractions;

using Portal.Sip.Messages;
using Portal.Sip.Transport;

using static Portal.Tests.Sip.Transport.TransportTestMessages;

namespace Portal.Tests.Sip.Transport;

public sealed class SipTransportUdpTests : IAsyncLifetime
{
    private readonly MessageInbox _inbox = new();
    private readonly Socket _phone = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private SipTransport _transport = null!;

    private IPEndPoint Server => _transport.LocalEndPoints[0].EndPoint;

    private int PhonePort => ((IPEndPoint)_phone.LocalEndPoint!).Port;

    public Task InitializeAsync()
    {
        _transport = SipTransport.Start(
            [SipEndPoint.Parse("udp:127.0.0.1:0"), SipEndPoint.Parse("tcp:127.0.0.1:0")],
            _inbox.OnMessage,
            TimeProvider.System,
            NullLogger.Instance);
        _phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _transport.DisposeAsync();
        _phone.Dispose();
    }

    [Fact]
    public void Start_UdpAndTcpOnPortZero_ShareOneFreePort()
    {
        Assert.Equal(SipTransportProtocol.Udp, _transport.LocalEndPoints[0].Protocol);
        Assert.Equal(SipTransportProtocol.Tcp, _transport.LocalEndPoints[1].Protocol);
        Assert.NotEqual(0, Server.Port);
        Assert.Equal(Server.Port, _transport.LocalEndPoints[1].EndPoint.Port);
    }

    [Fact]
    public async Task Datagram_Request_DeliveredAndItsResponseReachesThePhone()
    {
        await SendAsync(Options("udp1", sentBy: $"127.0.0.1:{PhonePort}"));

        (SipMessage message, SipEndPoint remote, SipEndPoint local) = await _inbox.NextAsync();
        SipRequest request = Assert.IsType<SipRequest>(message);
        Assert.Equal(new SipEndPoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, PhonePort)), remote);
        Assert.Equal(_transport.LocalEndPoints[0], local);
        // UDP responses are symmetric: the source port is stamped even though the phone sent no rport.
        Assert.Equal(PhonePort, request.TopVia!.Rport);

        await _transport.SendAsync(request.CreateResponse(200, null, "uas"), remote);

        SipResponse response = Assert.IsType<SipResponse>(await ReceiveAsync());
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("udp1", response.CallId);
    }

    [Fact]
    public async Task Datagram_ToWildcardListener_ReportsTheAddressItArrivedOn()
    {
        MessageInbox inbox = new();
        await using SipTransport wildcard = SipTransport.Start(
            [SipEndPoint.Parse("udp:0.0.0.0:0")], inbox.OnMessage, TimeProvider.System, NullLogger.Instance);
        int port = wildcard.LocalEndPoints[0].EndPoint.Port;

        await _phone.SendToAsync(Bytes(Options("any1")), SocketFlags.None, new IPEndPoint(IPAddress.Loopback, port));

        (_, _, SipEndPoint local) = await inbox.NextAsync();
        Assert.Equal(new SipEndPoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, port)), local);
    }

    [Fact]
    public async Task Datagram_ViaWithEmptyRport_GetsReceivedAndRportAndTheResponseFollowsThem()
    {
        await SendAsync(Options("nat1", sentBy: "192.0.2.99:5060", viaParameters: ";rport"));

        (SipMessage message, SipEndPoint remote, _) = await _inbox.NextAsync();
        ViaHeader via = message.TopVia!;
        Assert.Equal("127.0.0.1", via.Received);
        Assert.Equal(PhonePort, via.Rport);

        // The sent-by address is unreachable: only received/rport (RFC 3581 §4) bring the answer back.
        await _transport.SendAsync(((SipRequest)message).CreateResponse(200, null, "uas"), remote with { EndPoint = new IPEndPoint(IPAddress.Loopback, 9) });

        Assert.Equal("nat1", (await ReceiveAsync()).CallId);
    }

    [Fact]
    public async Task Datagram_SentByHostDiffersFromSource_GetsReceived()
    {
        await SendAsync(Options("host1", sentBy: "phone.example.com:5060"));

        SipRequest request = await _inbox.NextRequestAsync();

        Assert.Equal("127.0.0.1", request.TopVia!.Received);
        Assert.Equal(PhonePort, request.TopVia.Rport);
    }

    [Fact]
    public async Task Datagram_RequestMissingCallId_Answered400NamingTheProblem()
    {
        await SendAsync(Options("bad1", sentBy: $"127.0.0.1:{PhonePort}").Replace("Call-ID: bad1\r\n", string.Empty, StringComparison.Ordinal));

        SipResponse response = Assert.IsType<SipResponse>(await ReceiveAsync());

        Assert.Equal(400, response.StatusCode);
        Assert.Contains("Call-ID", response.ReasonPhrase, StringComparison.Ordinal);
        Assert.NotNull(response.To!.Tag);
    }

    [Fact]
    public async Task Datagram_RequestWithMalformedCSeq_Answered400NamingTheHeader()
    {
        await SendAsync(Options("bad2", sentBy: $"127.0.0.1:{PhonePort}").Replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS", StringComparison.Ordinal));

        // The answer echoes the malformed CSeq (RFC 3261 §8.2.6.2 copies it), so read its status line as text.
        string response = await ReceiveTextAsync();

        Assert.StartsWith("SIP/2.0 400 Bad Request - Malformed CSeq header\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Datagram_OtherSipVersion_Answered505()
    {
        await SendAsync(Options("v7", sentBy: $"127.0.0.1:{PhonePort}").Replace("SIP/2.0\r\n", "SIP/7.0\r\n", StringComparison.Ordinal));

        Assert.Equal(505, Assert.IsType<SipResponse>(await ReceiveAsync()).StatusCode);
    }

    [Fact]
    public async Task Datagram_GarbageAndKeepAlives_DroppedAndTheLoopGoesOn()
    {
        await SendAsync("\r\n\r\n");
        await SendAsync("hello, is this SIP?");
        await SendAsync("SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n");
        await SendAsync(Options("after", sentBy: $"127.0.0.1:{PhonePort}"));

        Assert.Equal("after", (await _inbox.NextRequestAsync()).CallId);
        Assert.False(_inbox.TryTake(out _));
    }

    [Fact]
    public async Task Datagram_HandlerThrows_TheLoopGoesOn()
    {
        MessageInbox inbox = new();
        await using SipTransport fragile = SipTransport.Start(
            [SipEndPoint.Parse("udp:127.0.0.1:0")],
            (message, remote, local) => message.CallId == "boom" ? throw new InvalidOperationException("TU bug") : inbox.OnMessage(message, remote, local),
            TimeProvider.System,
            NullLogger.Instance);
        IPEndPoint server = fragile.LocalEndPoints[0].EndPoint;

        await _phone.SendToAsync(Bytes(Options("boom")), SocketFlags.None, server);
        await _phone.SendToAsync(Bytes(Options("fine")), SocketFlags.None, server);

        Assert.Equal("fine", (await inbox.NextRequestAsync()).CallId);
    }

    [Fact]
    public async Task SendAsync_MessageOver1300Bytes_StillSentOverUdp()
    {
        SipParseResult parsed = SipMessageParser.Parse(Bytes(Options("big", sentBy: $"127.0.0.1:{PhonePort}")));
        SipRequest request = Assert.IsType<SipRequest>(parsed.Message);
        request.Body = Encoding.ASCII.GetBytes(new string('x', 2000));
        SipEndPoint phone = new(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, PhonePort));

        await _transport.SendAsync(request, phone);

        SipMessage received = await ReceiveAsync();
        Assert.Equal(2000, received.Body.Length);
    }

    private async Task SendAsync(string text) => await _phone.SendToAsync(Bytes(text), SocketFlags.None, Server);

    private async Task<SipMessage> ReceiveAsync()
    {
        SipParseResult parsed = SipMessageParser.Parse(await ReceiveDatagramAsync());
        Assert.True(parsed.Succeeded, parsed.Error?.ToString());
        return parsed.Message;
    }

    private async Task<string> ReceiveTextAsync() => Encoding.UTF8.GetString(await ReceiveDatagramAsync());

    private async Task<byte[]> ReceiveDatagramAsync()
    {
        byte[] buffer = new byte[65535];
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        SocketReceiveFromResult result = await _phone.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return buffer[..result.ReceivedBytes];
    }
}

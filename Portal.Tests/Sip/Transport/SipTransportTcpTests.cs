using System.Net;
using System.Net.Sockets;

using Microsoft.Extensions.Logging.Abstractions;

using Portal.Sip.Messages;
using Portal.Sip.Transport;

using static Portal.Tests.Sip.Transport.TransportTestMessages;

namespace Portal.Tests.Sip.Transport;

public sealed class SipTransportTcpTests : IAsyncLifetime
{
    private readonly MessageInbox _inbox = new();
    private SipTransport _transport = null!;

    private IPEndPoint Server => _transport.LocalEndPoints[0].EndPoint;

    public Task InitializeAsync()
    {
        _transport = SipTransport.Start(
            [SipEndPoint.Parse("tcp:127.0.0.1:0")],
            _inbox.OnMessage,
            TimeProvider.System,
            NullLogger.Instance,
            // Every test phone connects from 127.0.0.1: let a hundred of them in.
            new SipTransportOptions { MaxMessageSize = 16 * 1024, MaxTcpConnectionsPerAddress = 200 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _transport.DisposeAsync();

    [Fact]
    public async Task Stream_MessagesWrittenOneByteAtATime_Reassembled()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);
        byte[] stream = [.. Bytes(MessageWithBody("split1", "Hello, world")), .. Bytes(Options("split2", "TCP"))];

        foreach (byte b in stream)
        {
            await phone.WriteAsync([b]);
        }

        SipRequest first = await _inbox.NextRequestAsync();
        Assert.Equal("split1", first.CallId);
        Assert.Equal("Hello, world"u8.ToArray(), first.Body.ToArray());
        Assert.Equal("split2", (await _inbox.NextRequestAsync()).CallId);
    }

    [Fact]
    public async Task Stream_TwoMessagesInOneWrite_BothDeliveredInOrder()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);

        await phone.WriteAsync([.. Bytes(MessageWithBody("one", "first body")), .. Bytes(Options("two", "TCP"))]);

        (SipMessage first, SipEndPoint remote, SipEndPoint local) = await _inbox.NextAsync();
        Assert.Equal("one", first.CallId);
        Assert.Equal(phone.AsSipEndPoint, remote);
        Assert.Equal(_transport.LocalEndPoints[0], local);
        Assert.Equal("two", (await _inbox.NextRequestAsync()).CallId);
    }

    [Fact]
    public async Task SendAsync_ResponseToRequestOverTcp_GoesBackOnTheSameConnection()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);
        await phone.WriteAsync(Bytes(Options("same", "TCP", sentBy: "192.0.2.99:5060")));
        (SipMessage request, SipEndPoint remote, _) = await _inbox.NextAsync();

        await _transport.SendAsync(((SipRequest)request).CreateResponse(200, null, "uas"), remote);

        SipResponse response = Assert.IsType<SipResponse>(await phone.ReadMessageAsync());
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("same", response.CallId);
    }

    [Fact]
    public async Task SendAsync_ResponseAfterItsConnectionClosed_OpensOneToTheViaAddress()
    {
        using Socket phoneListener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        phoneListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        phoneListener.Listen();
        int phonePort = ((IPEndPoint)phoneListener.LocalEndPoint!).Port;
        SipEndPoint remote;
        SipRequest request;
        using (TcpPeer phone = await TcpPeer.ConnectAsync(Server))
        {
            await phone.WriteAsync(Bytes(Options("gone", "TCP", sentBy: $"127.0.0.1:{phonePort}")));
            (SipMessage message, remote, _) = await _inbox.NextAsync();
            request = (SipRequest)message;
        }

        // RFC 3261 §18.2.2: the connection has gone, so the answer goes to received (or sent-by) and the sent-by port.
        await SendWhenClosedAsync(request.CreateResponse(200, null, "uas"), remote);
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        using TcpPeer reopened = TcpPeer.FromAccepted(await phoneListener.AcceptAsync(timeout.Token));

        Assert.Equal("gone", (await reopened.ReadMessageAsync()).CallId);
    }

    [Fact]
    public async Task Stream_FrameOverTheLimit_Answered513AndConnectionClosed()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);
        string headers = MessageWithBody("huge", string.Empty).Replace("Content-Length: 0", "Content-Length: 70000", StringComparison.Ordinal);

        await phone.WriteAsync([.. Bytes(headers), .. new byte[1000]]);

        SipResponse response = Assert.IsType<SipResponse>(await phone.ReadMessageAsync());
        Assert.Equal(SipStatusCodes.MessageTooLarge, response.StatusCode);
        Assert.Equal("huge", response.CallId);
        Assert.True(await phone.WaitForCloseAsync());
        Assert.False(_inbox.TryTake(out _));
    }

    [Fact]
    public async Task Stream_HeadersNeverEndingPastTheLimit_Answered513AndConnectionClosed()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);
        string headers = Options("endless", "TCP").Replace("Content-Length: 0\r\n\r\n", "X-Padding: ", StringComparison.Ordinal);

        await phone.WriteAsync([.. Bytes(headers), .. Enumerable.Repeat((byte)'a', 17 * 1024)]);

        SipResponse response = Assert.IsType<SipResponse>(await phone.ReadMessageAsync());
        Assert.Equal(SipStatusCodes.MessageTooLarge, response.StatusCode);
        Assert.Equal("endless", response.CallId);
        Assert.True(await phone.WaitForCloseAsync());
        Assert.False(_inbox.TryTake(out _));
    }

    [Fact]
    public async Task Stream_KeepAlivePing_AnsweredWithPongAndMessagesStillFlow()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);

        await phone.WriteAsync(Bytes("\r\n\r\n"));
        Assert.Equal("\r\n"u8.ToArray(), await phone.ReadBytesAsync(2));
        await phone.WriteAsync(Bytes(Options("alive", "TCP")));

        Assert.Equal("alive", (await _inbox.NextRequestAsync()).CallId);
    }

    [Fact]
    public async Task Stream_HundredConcurrentConnections_EveryMessageDelivered()
    {
        TcpPeer[] phones = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => TcpPeer.ConnectAsync(Server)));
        try
        {
            await Task.WhenAll(phones.Select((p, i) => p.WriteAsync(Bytes(Options($"conc{i}", "TCP")))));

            HashSet<string> callIds = [];
            for (int i = 0; i < 100; i++)
            {
                callIds.Add((await _inbox.NextRequestAsync()).CallId!);
            }

            Assert.Equal(Enumerable.Range(0, 100).Select(i => $"conc{i}").ToHashSet(), callIds);
        }
        finally
        {
            Array.ForEach(phones, p => p.Dispose());
        }
    }

    [Fact]
    public async Task SendAsync_TwoRequestsToAPeer_ReuseOneConnectionThatAlsoCarriesItsAnswers()
    {
        using Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        SipEndPoint peer = new(SipTransportProtocol.Tcp, (IPEndPoint)listener.LocalEndPoint!);
        SipRequest first = Parse(Options("out1", "TCP"));
        SipRequest second = Parse(Options("out2", "TCP"));

        await _transport.SendAsync(first, peer);
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        using TcpPeer accepted = TcpPeer.FromAccepted(await listener.AcceptAsync(timeout.Token));
        await _transport.SendAsync(second, peer);

        Assert.Equal("out1", (await accepted.ReadMessageAsync()).CallId);
        Assert.Equal("out2", (await accepted.ReadMessageAsync()).CallId);
        Assert.Equal(1, _transport.TcpConnectionCount);
        await accepted.WriteAsync(Parse(Options("out1", "TCP")).CreateResponse(200, null, "peer").ToBytes());
        (SipMessage answer, SipEndPoint remote, _) = await _inbox.NextAsync();
        Assert.Equal(200, Assert.IsType<SipResponse>(answer).StatusCode);
        Assert.Equal(peer, remote);
    }

    /// <summary>Sends once the service has seen the phone's connection close (a send racing the close may still use it).</summary>
    private async Task SendWhenClosedAsync(SipResponse response, SipEndPoint remote)
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        using PeriodicTimer poll = new(TimeSpan.FromMilliseconds(10));
        while (_transport.TcpConnectionCount > 0 && await poll.WaitForNextTickAsync(timeout.Token))
        {
        }

        await _transport.SendAsync(response, remote);
    }

    private static SipRequest Parse(string text)
    {
        SipParseResult result = SipMessageParser.Parse(Bytes(text));
        Assert.True(result.Succeeded, result.Error?.ToString());
        return Assert.IsType<SipRequest>(result.Message);
    }
}

using System.Net;

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Portal.Sip.Transport;

using static Portal.Tests.Sip.Transport.TransportTestMessages;

namespace Portal.Tests.Sip.Transport;

public sealed class SipTransportIdleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly MessageInbox _inbox = new();
    private SipTransport _transport = null!;

    private IPEndPoint Server => _transport.LocalEndPoints[0].EndPoint;

    public Task InitializeAsync()
    {
        _transport = SipTransport.Start([SipEndPoint.Parse("tcp:127.0.0.1:0")], _inbox.OnMessage, _time, NullLogger.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _transport.DisposeAsync();

    [Fact]
    public async Task Connection_IdlePastTheTimeout_ClosedByTheService()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);
        await phone.WriteAsync(Bytes(Options("idle1", "TCP")));
        await _inbox.NextRequestAsync();

        _time.Advance(TimeSpan.FromSeconds(3900) + TimeSpan.FromSeconds(1));

        Assert.True(await phone.WaitForCloseAsync());
    }

    [Fact]
    public async Task Connection_SilentForAWholeRegistration_KeptOpen()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);
        await phone.WriteAsync(Bytes(Options("reg1", "TCP")));
        await _inbox.NextRequestAsync();

        // The registrar's longest Expires is 3600 s: the phone re-registers over the same connection.
        _time.Advance(TimeSpan.FromSeconds(3600));
        await phone.WriteAsync(Bytes(Options("reg2", "TCP")));

        Assert.Equal("reg2", (await _inbox.NextRequestAsync()).CallId);
        Assert.Equal(1, _transport.TcpConnectionCount);
    }

    [Fact]
    public async Task Connection_OnlyKeepAlivePings_PongedAndKeptOpenPastTheTimeout()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);
        for (int i = 0; i < 3; i++)
        {
            // RFC 5626 §3.5.1: a CRLFCRLF ping gets a CRLF pong, and counts as traffic.
            await phone.WriteAsync(Bytes("\r\n\r\n"));
            Assert.Equal("\r\n"u8.ToArray(), await phone.ReadBytesAsync(2));
            _time.Advance(TimeSpan.FromSeconds(3000));
        }

        await phone.WriteAsync(Bytes(Options("pinged", "TCP")));

        Assert.Equal("pinged", (await _inbox.NextRequestAsync()).CallId);
        Assert.Equal(1, _transport.TcpConnectionCount);
    }

    [Fact]
    public async Task Connection_TrafficWithinTheTimeout_KeptOpen()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);
        await phone.WriteAsync(Bytes(Options("busy1", "TCP")));
        await _inbox.NextRequestAsync();

        _time.Advance(TimeSpan.FromSeconds(3000));
        await phone.WriteAsync(Bytes(Options("busy2", "TCP")));
        await _inbox.NextRequestAsync();
        _time.Advance(TimeSpan.FromSeconds(3000));
        await phone.WriteAsync(Bytes(Options("busy3", "TCP")));

        Assert.Equal("busy3", (await _inbox.NextRequestAsync()).CallId);
        Assert.Equal(1, _transport.TcpConnectionCount);
    }
}

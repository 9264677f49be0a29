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

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.True(await phone.WaitForCloseAsync());
    }

    [Fact]
    public async Task Connection_TrafficWithinTheTimeout_KeptOpen()
    {
        using TcpPeer phone = await TcpPeer.ConnectAsync(Server);
        await phone.WriteAsync(Bytes(Options("busy1", "TCP")));
        await _inbox.NextRequestAsync();

        _time.Advance(TimeSpan.FromMinutes(4));
        await phone.WriteAsync(Bytes(Options("busy2", "TCP")));
        await _inbox.NextRequestAsync();
        _time.Advance(TimeSpan.FromMinutes(4));
        await phone.WriteAsync(Bytes(Options("busy3", "TCP")));

        Assert.Equal("busy3", (await _inbox.NextRequestAsync()).CallId);
        Assert.Equal(1, _transport.TcpConnectionCount);
    }
}

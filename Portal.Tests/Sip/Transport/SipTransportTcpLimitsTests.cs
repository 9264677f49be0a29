using System.Net;
using System.Net.Sockets;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

using Portal.Sip.Transport;

using static Portal.Tests.Sip.Transport.TransportTestMessages;

namespace Portal.Tests.Sip.Transport;

/// <summary>DESIGN §10: connections per source address and in all are bounded, and refusals logged for fail2ban.</summary>
public sealed class SipTransportTcpLimitsTests : IAsyncDisposable
{
    private static readonly IPAddress Phone = IPAddress.Loopback;
    private static readonly IPAddress OtherPhone = IPAddress.Parse("127.0.0.2");

    private readonly FakeTimeProvider _time = new();
    private readonly MessageInbox _inbox = new();
    private readonly RecordingLogger _log = new();
    private readonly List<TcpPeer> _peers = [];
    private SipTransport? _transport;

    private IPEndPoint Server => _transport!.LocalEndPoints[0].EndPoint;

    public async ValueTask DisposeAsync()
    {
        _peers.ForEach(p => p.Dispose());
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }
    }

    [Fact]
    public async Task Accept_PastTheLimitPerAddress_ClosedWhileAnotherAddressIsServed()
    {
        Start(perAddress: 2, total: 100);
        TcpPeer first = await ConnectAsync(Phone);
        TcpPeer second = await ConnectAsync(Phone);

        Assert.True(await IsRefusedAsync(Phone));
        TcpPeer other = await ConnectAsync(OtherPhone);
        await other.WriteAsync(Bytes(Options("other", "TCP")));
        Assert.Equal("other", (await _inbox.NextRequestAsync()).CallId);
        await first.WriteAsync(Bytes(Options("first", "TCP")));
        await second.WriteAsync(Bytes(Options("second", "TCP")));
        Assert.Equal(["first", "second"], new[] { (await _inbox.NextRequestAsync()).CallId, (await _inbox.NextRequestAsync()).CallId }.Order());
    }

    [Fact]
    public async Task Accept_PastTheTotalLimit_ClosedUntilAConnectionEnds()
    {
        Start(perAddress: 10, total: 2);
        TcpPeer first = await ConnectAsync(Phone);
        await ConnectAsync(Phone);

        Assert.True(await IsRefusedAsync(OtherPhone));

        first.Dispose();
        await WaitForConnectionCountAsync(1);
        TcpPeer admitted = await ConnectAsync(OtherPhone);
        await admitted.WriteAsync(Bytes(Options("admitted", "TCP")));
        Assert.Equal("admitted", (await _inbox.NextRequestAsync()).CallId);
    }

    [Fact]
    public async Task Accept_RefusalsFromOneAddress_LoggedOncePerMinuteWithTheAddress()
    {
        Start(perAddress: 1, total: 100);
        await ConnectAsync(Phone);

        Assert.True(await IsRefusedAsync(Phone));
        Assert.True(await IsRefusedAsync(Phone));
        Assert.Single(Refusals());

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(await IsRefusedAsync(Phone));

        Assert.Equal(2, Refusals().Count);
        Assert.All(Refusals(), line =>
        {
            Assert.Equal(LogLevel.Warning, line.Level);
            Assert.Contains("Refused a TCP connection from 127.0.0.1:", line.Text, StringComparison.Ordinal);
        });
    }

    private List<(LogLevel Level, string Text)> Refusals() =>
        [.. _log.Lines.Where(l => l.Text.StartsWith("Refused a TCP connection", StringComparison.Ordinal))];

    private void Start(int perAddress, int total) =>
        _transport = SipTransport.Start(
            [SipEndPoint.Parse("tcp:127.0.0.1:0")],
            _inbox.OnMessage,
            _time,
            _log,
            new SipTransportOptions { MaxTcpConnectionsPerAddress = perAddress, MaxTcpConnections = total });

    /// <summary>Connects (the kernel completes the handshake; the service then admits or closes it).</summary>
    private async Task<TcpPeer> ConnectAsync(IPAddress from)
    {
        TcpPeer peer = await TcpPeer.ConnectAsync(Server, from);
        _peers.Add(peer);
        return peer;
    }

    /// <summary>True when the service closes a new connection from <paramref name="from"/> without reading it.</summary>
    private async Task<bool> IsRefusedAsync(IPAddress from)
    {
        try
        {
            return await (await ConnectAsync(from)).WaitForCloseAsync();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The reset overtook the end of the handshake on the phone's side.
            return true;
        }
    }

    private async Task WaitForConnectionCountAsync(int count)
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        using PeriodicTimer poll = new(TimeSpan.FromMilliseconds(10));
        while (_transport!.TcpConnectionCount != count && await poll.WaitForNextTickAsync(timeout.Token))
        {
        }
    }
}

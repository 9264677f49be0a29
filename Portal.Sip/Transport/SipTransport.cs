using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using Microsoft.Extensions.Logging;

using Portal.Sip.Messages;

namespace Portal.Sip.Transport;

/// <summary>
/// The service's sockets (RFC 3261 §18, RFC 3581): UDP and TCP on the same ports, every received message
/// parsed, checked and handed to <c>onMessage</c> with its source and the local end point it arrived on.
/// Requests that cannot be parsed are answered here (400 naming the problem, 505, 513); responses go back on the
/// connection their request came on, or where the top Via says. <c>onMessage</c> is awaited before the next
/// message of the same socket or connection is read, which keeps a connection's messages in order: it should
/// hand work off rather than run it.
/// </summary>
public sealed class SipTransport : ISipMessageSender, IAsyncDisposable
{
    /// <summary>RFC 3261 §18.1.1: a request within 200 bytes of a 1500-byte MTU should go over TCP.</summary>
    private const int UdpComfortSize = 1300;
    private const int PortAttempts = 32;

    private readonly UdpChannel[] _udp;
    private readonly TcpListenerChannel[] _tcp;
    private readonly TcpConnectionTable _connections;
    private readonly ILogger _logger;
    private readonly ISipMessageObserver? _observer;

    private SipTransport(
        SipEndPoint[] locals,
        UdpChannel[] udp,
        TcpListenerChannel[] tcp,
        MessageIntake intake,
        TimeProvider time,
        SipTransportOptions options,
        ILogger logger,
        ISipMessageObserver? observer)
    {
        LocalEndPoints = locals;
        _observer = observer;
        _udp = udp;
        _tcp = tcp;
        _logger = logger;
        _connections = new TcpConnectionTable(intake, LocalOfOpened, time, options, logger);
    }

    /// <summary>The bound end points, in the order they were asked for, with the ports actually given.</summary>
    private int _disposed;

    public IReadOnlyList<SipEndPoint> LocalEndPoints { get; }

    /// <summary>How many TCP connections are open, accepted or opened.</summary>
    public int TcpConnectionCount => _connections.Count;

    /// <summary>
    /// Binds every end point and starts receiving. A UDP and a TCP end point with the same address and port share
    /// that port: UDP is bound first, then TCP on the port UDP got, so port 0 gives one free port for both.
    /// </summary>
    public static SipTransport Start(
        IReadOnlyList<SipEndPoint> listen,
        Func<SipMessage, SipEndPoint, SipEndPoint, ValueTask> onMessage,
        TimeProvider time,
        ILogger logger,
        SipTransportOptions? options = null,
        ISipMessageObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(onMessage);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options ??= new SipTransportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxMessageSize, 1024, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxMessageSize, SipMessageParser.MaxMessageSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.TcpIdleTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxTcpConnectionsPerAddress, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxTcpConnections, 1, nameof(options));

        SipEndPoint[] locals = new SipEndPoint[listen.Count];
        List<UdpChannel> udp = [];
        List<TcpListenerChannel> tcp = [];
        try
        {
            Bind(listen, logger, locals, udp, tcp);
        }
        catch
        {
            udp.ForEach(c => c.DisposeAsync().AsTask().GetAwaiter().GetResult());
            tcp.ForEach(c => c.DisposeAsync().AsTask().GetAwaiter().GetResult());
            throw;
        }

        MessageIntake intake = new(onMessage, logger, observer);
        SipTransport transport = new(locals, [.. udp], [.. tcp], intake, time, options, logger, observer);
        udp.ForEach(c => c.Start(intake));
        tcp.ForEach(c => c.Start(transport._connections));
        foreach (SipEndPoint local in locals)
        {
            TransportLog.Listening(logger, local);
        }

        return transport;
    }

    /// <inheritdoc/>
    public async ValueTask SendAsync(SipMessage message, SipEndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] bytes = message.ToBytes();
        if (remote.Protocol == SipTransportProtocol.Udp)
        {
            IPEndPoint target = message is SipResponse response
                ? ViaRouting.ResponseTarget(response, remote.EndPoint, reliable: false)
                : remote.EndPoint;
            UdpChannel channel = Array.Find(_udp, c => c.AddressFamily == target.AddressFamily)
                ?? throw new IOException($"No UDP socket of the address family of {target} is listening.");
            if (bytes.Length > UdpComfortSize)
            {
                // Sent over UDP all the same: the peer chose UDP, and there is no TCP fallback (yet).
                TransportLog.LargeDatagram(_logger, remote, bytes.Length);
            }

            _observer?.Sent(message, bytes, new SipEndPoint(SipTransportProtocol.Udp, target), channel.LocalEndPoint);
            await channel.SendAsync(bytes, target, cancellationToken);
            return;
        }

        if (!_connections.TryGetOpen(remote.EndPoint, out TcpConnection? connection))
        {
            // A response whose connection has gone: open one to received (or sent-by) and the sent-by port.
            IPEndPoint target = message is SipResponse response
                ? ViaRouting.ResponseTarget(response, remote.EndPoint, reliable: true)
                : remote.EndPoint;
            connection = await _connections.GetOrConnectAsync(target, cancellationToken);
        }

        _observer?.Sent(message, bytes, connection.Remote, connection.Local);
        await connection.SendAsync(bytes, cancellationToken);
    }

    /// <summary>
    /// The longest a datagram arriving now would wait to be read, over the UDP sockets (see
    /// <see cref="UdpChannel.MeasureReceiveWait"/>); null where the system cannot tell. One caller at a time.
    /// </summary>
    public TimeSpan? MeasureReceiveWait()
    {
        long now = Stopwatch.GetTimestamp();
        TimeSpan? longest = null;
        foreach (UdpChannel channel in _udp)
        {
            if (channel.MeasureReceiveWait(now) is { } wait && (longest is null || wait > longest))
            {
                longest = wait;
            }
        }

        return longest;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (TcpListenerChannel listener in _tcp)
        {
            await listener.DisposeAsync();
        }

        foreach (UdpChannel channel in _udp)
        {
            await channel.DisposeAsync();
        }

        await _connections.DisposeAsync();
    }

    private static void Bind(
        IReadOnlyList<SipEndPoint> listen, ILogger logger, SipEndPoint[] locals, List<UdpChannel> udp, List<TcpListenerChannel> tcp)
    {
        bool[] bound = new bool[listen.Count];
        for (int i = 0; i < listen.Count; i++)
        {
            if (bound[i])
            {
                continue;
            }

            SipEndPoint wanted = listen[i];
            int partner = FindPartner(listen, bound, i);
            if (partner < 0)
            {
                locals[i] = wanted.Protocol == SipTransportProtocol.Udp
                    ? Add(udp, UdpChannel.Bind(wanted.EndPoint, logger)).LocalEndPoint
                    : Add(tcp, TcpListenerChannel.Bind(wanted.EndPoint, logger)).LocalEndPoint;
                bound[i] = true;
                continue;
            }

            (UdpChannel u, TcpListenerChannel t) = BindPair(wanted.EndPoint, logger);
            udp.Add(u);
            tcp.Add(t);
            int udpIndex = wanted.Protocol == SipTransportProtocol.Udp ? i : partner;
            locals[udpIndex] = u.LocalEndPoint;
            locals[udpIndex == i ? partner : i] = t.LocalEndPoint;
            bound[i] = bound[partner] = true;
        }
    }

    /// <summary>The other transport asked for on the same address and port, not bound yet; -1 when none.</summary>
    private static int FindPartner(IReadOnlyList<SipEndPoint> listen, bool[] bound, int i)
    {
        for (int j = i + 1; j < listen.Count; j++)
        {
            if (!bound[j] && listen[j].Protocol != listen[i].Protocol && listen[j].EndPoint.Equals(listen[i].EndPoint))
            {
                return j;
            }
        }

        return -1;
    }

    private static (UdpChannel Udp, TcpListenerChannel Tcp) BindPair(IPEndPoint endPoint, ILogger logger)
    {
        for (int attempt = 1; ; attempt++)
        {
            UdpChannel udp = UdpChannel.Bind(endPoint, logger);
            try
            {
                return (udp, TcpListenerChannel.Bind(udp.LocalEndPoint.EndPoint, logger));
            }
            catch (SocketException e) when (endPoint.Port == 0 && attempt < PortAttempts && e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // The port UDP got is taken for TCP: try another.
                udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch
            {
                udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
    }

    private static T Add<T>(List<T> list, T item)
    {
        list.Add(item);
        return item;
    }

    /// <summary>
    /// The local end point reported for messages on a connection this side opened: the TCP listening port of the
    /// same address family (the port Via and Contact advertise), with the connection's own local address.
    /// </summary>
    private SipEndPoint LocalOfOpened(Socket socket)
    {
        IPEndPoint own = (IPEndPoint)socket.LocalEndPoint!;
        TcpListenerChannel? listener = Array.Find(_tcp, l => l.AddressFamily == own.AddressFamily);
        return new SipEndPoint(SipTransportProtocol.Tcp, listener is null ? own : new IPEndPoint(own.Address, listener.LocalEndPoint.EndPoint.Port));
    }
}

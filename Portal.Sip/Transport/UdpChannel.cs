using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using Microsoft.Extensions.Logging;

namespace Portal.Sip.Transport;

/// <summary>
/// One bound UDP socket (RFC 3261 §18): receive loops handing each datagram to the intake and answering
/// refused requests to their source, and sends. A datagram is one message; nothing is reassembled.
/// <para>One loop per core reads the socket, as Kamailio runs several UDP workers on one socket: a message is
/// handled on its loop up to the first await (parse, transaction, the synchronous part of the call logic), and
/// with a single loop that work is serialised however many cores there are; the bench collapsed at about 700 calls
/// a second with CPU to spare. UDP does not promise order, and the layers above already take messages from many
/// connections at once.</para>
/// </summary>
internal sealed class UdpChannel : IAsyncDisposable
{
    private const int MaxDatagram = 65535;
    private const int ReceiveBufferBytes = 4 * 1024 * 1024;

    // Linux getsockopt(SOL_SOCKET, SO_MEMINFO): the socket's memory counters, the receive queue's first.
    private const int SolSocket = 1;
    private const int SoMemInfo = 55;

    /// <summary>
    /// What one queued datagram of SIP size costs in the receive queue's accounting (its buffer and the kernel's
    /// bookkeeping, rounded up as the kernel allocates): the kernel counts bytes, the estimate wants datagrams.
    /// </summary>
    private const int QueuedBytesPerDatagram = 2048;

    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loops = Task.CompletedTask;
    private long _received;
    private long _lastReceived;
    private long _lastMeasured;
    private long _lastProgress;
    private double _readPerSecond;
    private bool _backlogged;
    private bool _queueUnreadable;

    private UdpChannel(Socket socket, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        IPEndPoint bound = (IPEndPoint)socket.LocalEndPoint!;
        LocalEndPoint = new SipEndPoint(SipTransportProtocol.Udp, bound);
        IsWildcard = bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any);
    }

    public SipEndPoint LocalEndPoint { get; }

    public AddressFamily AddressFamily => LocalEndPoint.EndPoint.AddressFamily;

    private bool IsWildcard { get; }

    public static UdpChannel Bind(IPEndPoint endPoint, ILogger logger)
    {
        Socket socket = new(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            TrySetReceiveBuffer(socket);
            socket.Bind(endPoint);
            return new UdpChannel(socket, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>How many receive loops read the socket at once.</summary>
    public static int LoopCount => Math.Max(2, Environment.ProcessorCount);

    public void Start(MessageIntake intake) =>
        _loops = Task.WhenAll(Enumerable.Range(0, LoopCount).Select(_ => Task.Run(() => ReceiveLoopAsync(intake))));

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, IPEndPoint remote, CancellationToken cancellationToken)
    {
        await _socket.SendToAsync(bytes, SocketFlags.None, remote, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        await _loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task ReceiveLoopAsync(MessageIntake intake)
    {
        byte[] buffer = new byte[MaxDatagram];
        EndPoint any = new IPEndPoint(AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                SocketReceiveMessageFromResult received =
                    await _socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, stopping);
                SipEndPoint remote = new(SipTransportProtocol.Udp, (IPEndPoint)received.RemoteEndPoint);
                SipEndPoint local = IsWildcard
                    ? LocalEndPoint with { EndPoint = new IPEndPoint(received.PacketInformation.Address, LocalEndPoint.EndPoint.Port) }
                    : LocalEndPoint;
                Interlocked.Increment(ref _received);
                if (received.ReceivedBytes == 0 || IsKeepAlive(buffer.AsSpan(0, received.ReceivedBytes)))
                {
                    continue;
                }

                if (await intake.ReceiveAsync(buffer.AsMemory(0, received.ReceivedBytes), remote, local) is { } refusal)
                {
                    await SendAsync(refusal.ToBytes(), remote.EndPoint, stopping);
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (Exception e)
            {
                // ICMP errors surface here on some systems; a bad peer must not stop the loop.
                TransportLog.ReceiveError(_logger, LocalEndPoint, e);
            }
        }
    }

    /// <summary>
    /// How long a datagram arriving now would wait in the socket's receive queue before a loop reads it: the bytes
    /// queued (as datagrams) over the rate the loops read them while kept busy. This is the wait a
    /// caller's retransmission timer sees, and the one thread-pool measurements miss, since the loops do their
    /// work before they read again. Null where the system does not say how much is queued (only Linux does).
    /// Called by one probe at a time.
    /// </summary>
    public TimeSpan? MeasureReceiveWait(long timestamp)
    {
        if (QueuedBytes() is not { } queuedBytes)
        {
            return null;
        }

        long received = Interlocked.Read(ref _received);
        long readSince = received - _lastReceived;
        bool first = _lastMeasured == 0;
        bool backloggedBefore = _backlogged;
        TimeSpan elapsed = first ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_lastMeasured, timestamp);
        double queued = (double)queuedBytes / QueuedBytesPerDatagram;
        _lastReceived = received;
        _lastMeasured = timestamp;
        _backlogged = queued >= 1;
        if (first || readSince > 0 || !_backlogged)
        {
            _lastProgress = timestamp;
        }

        if (!_backlogged || elapsed <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        // Datagrams waiting and none read since the last look: the wait is at least how long nothing was read.
        if (readSince == 0)
        {
            return Stopwatch.GetElapsedTime(_lastProgress, timestamp);
        }

        // How fast the loops can read is known only from an interval with datagrams waiting throughout: otherwise
        // the count is how fast peers sent, and a burst after a quiet spell would read as a long wait. It is
        // smoothed over about half a second (ten looks), so a collection that stops every thread for a moment does
        // not read as a backlog of seconds, while a rate that has really fallen shows within that.
        if (backloggedBefore)
        {
            double rate = readSince / elapsed.TotalSeconds;
            _readPerSecond = _readPerSecond == 0 ? rate : (0.9 * _readPerSecond) + (0.1 * rate);
        }

        return _readPerSecond == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(queued / _readPerSecond);
    }

    /// <summary>The bytes the kernel holds in the socket's receive queue; null where it does not say (not Linux).</summary>
    internal int? QueuedBytes()
    {
        if (_queueUnreadable)
        {
            return null;
        }

        Span<byte> memInfo = stackalloc byte[64];
        try
        {
            if (_socket.GetRawSocketOption(SolSocket, SoMemInfo, memInfo) >= sizeof(uint))
            {
                return BitConverter.ToInt32(memInfo);
            }
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        catch (Exception e) when (e is SocketException or PlatformNotSupportedException)
        {
            // Not Linux, or a kernel before 4.6: the receive queue's wait is not measured.
        }

        _queueUnreadable = true;
        return null;
    }

    /// <summary>CRLF keep-alives (RFC 5626 §3.5.1) and stray whitespace datagrams are ignored.</summary>
    private static bool IsKeepAlive(ReadOnlySpan<byte> datagram) => datagram.IndexOfAnyExcept("\r\n \t\0"u8) < 0;

    private static void TrySetReceiveBuffer(Socket socket)
    {
        try
        {
            socket.ReceiveBufferSize = ReceiveBufferBytes;
        }
        catch (SocketException)
        {
            // The system caps the size; its default is used.
        }
    }
}

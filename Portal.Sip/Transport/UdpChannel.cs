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

    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loops = Task.CompletedTask;

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

using System.Net;
using System.Net.Sockets;

using Microsoft.Extensions.Logging;

namespace Portal.Sip.Transport;

/// <summary>A listening TCP socket (RFC 3261 §18): accepts connections and gives them to the table.</summary>
internal sealed class TcpListenerChannel : IAsyncDisposable
{
    private const int Backlog = 512;

    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    private TcpListenerChannel(Socket socket, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        LocalEndPoint = new SipEndPoint(SipTransportProtocol.Tcp, (IPEndPoint)socket.LocalEndPoint!);
    }

    public SipEndPoint LocalEndPoint { get; }

    public AddressFamily AddressFamily => LocalEndPoint.EndPoint.AddressFamily;

    /// <summary>Binds and listens; throws <see cref="SocketException"/> when the port is taken.</summary>
    public static TcpListenerChannel Bind(IPEndPoint endPoint, ILogger logger)
    {
        Socket socket = new(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(endPoint);
            socket.Listen(Backlog);
            return new TcpListenerChannel(socket, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Start(TcpConnectionTable connections) => _loop = Task.Run(() => AcceptLoopAsync(connections));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(TcpConnectionTable connections)
    {
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                Socket accepted = await _socket.AcceptAsync(stopping);
                connections.Accept(accepted, new SipEndPoint(SipTransportProtocol.Tcp, (IPEndPoint)accepted.LocalEndPoint!));
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
                // A connection aborted before it was accepted, or a descriptor shortage: keep accepting.
                TransportLog.AcceptError(_logger, LocalEndPoint, e);
            }
        }
    }
}

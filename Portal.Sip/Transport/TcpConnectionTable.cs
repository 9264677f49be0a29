using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

using Microsoft.Extensions.Logging;

namespace Portal.Sip.Transport;

/// <summary>
/// The open TCP connections, accepted or opened, by the peer's address and port. A response finds the
/// connection its request came on here (RFC 3261 §18.2.2); a request reuses an open connection to its
/// destination or opens one (§18.1.1). Closed connections leave the table at once. Accepted connections take a
/// slot of <see cref="TcpAdmission"/> first; one past its caps is closed before anything is read from it.
/// </summary>
internal sealed class TcpConnectionTable(
    MessageIntake intake,
    Func<Socket, SipEndPoint> localOfOpened,
    TimeProvider time,
    SipTransportOptions options,
    ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<IPEndPoint, TcpConnection> _connections = new();
    private readonly ConcurrentDictionary<TcpConnection, Task> _running = new();
    private readonly TcpAdmission _admission = new(options, time, logger);
    private int _disposed;

    public int Count => _connections.Count;

    public bool TryGetOpen(IPEndPoint remote, [NotNullWhen(true)] out TcpConnection? connection) =>
        _connections.TryGetValue(remote, out connection) && connection.IsOpen;

    /// <summary>Takes over an accepted socket and starts reading it.</summary>
    public void Accept(Socket socket, SipEndPoint local)
    {
        IPAddress address;
        try
        {
            address = ((IPEndPoint)socket.RemoteEndPoint!).Address;
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        if (!_admission.TryAdmit(address))
        {
            // Reset rather than close gracefully: nothing was read, and no TIME_WAIT is left on this side.
            socket.LingerState = new LingerOption(true, 0);
            socket.Dispose();
            return;
        }

        TcpConnection connection;
        try
        {
            socket.NoDelay = true;
            connection = new TcpConnection(socket, local, time, options, logger);
        }
        catch
        {
            _admission.Release(address);
            socket.Dispose();
            throw;
        }

        connection.Closed += _ => _admission.Release(address);
        Register(connection);
    }

    public async ValueTask<TcpConnection> GetOrConnectAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        if (TryGetOpen(remote, out TcpConnection? open))
        {
            return open;
        }

        Socket socket = new(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using CancellationTokenSource timeout = new(options.TcpConnectTimeout, time);
            using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await socket.ConnectAsync(remote, linked.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new IOException($"Connecting to tcp:{remote} timed out.", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        TcpConnection connection = new(socket, localOfOpened(socket), time, options, logger);
        if (TryGetOpen(remote, out open))
        {
            // Another send connected first; keep one connection per peer.
            connection.Close("duplicate");
            return open;
        }

        Register(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        foreach (TcpConnection connection in _running.Keys)
        {
            connection.Close("transport stopped");
        }

        await Task.WhenAll(_running.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Register(TcpConnection connection)
    {
        connection.Closed += Forget;
        _connections[connection.Remote.EndPoint] = connection;
        // The read loop outlives whatever opened the connection (a call's leg): it must not carry that call's log scope.
        using (ExecutionContext.SuppressFlow())
        {
            _running[connection] = Task.Run(() => connection.RunAsync(intake));
        }
        TransportLog.ConnectionOpened(logger, connection.Remote);
        if (!connection.IsOpen || Volatile.Read(ref _disposed) != 0)
        {
            connection.Close("transport stopped");
            Forget(connection);
        }
    }

    private void Forget(TcpConnection connection)
    {
        _connections.TryRemove(new KeyValuePair<IPEndPoint, TcpConnection>(connection.Remote.EndPoint, connection));
        _running.TryRemove(connection, out _);
    }
}

using System.Net;
using System.Net.Sockets;

using Microsoft.Extensions.Logging;

using Portal.Sip.Messages;

namespace Portal.Sip.Transport;

/// <summary>
/// One TCP connection, accepted or opened (RFC 3261 §18.3): reads the stream, frames it by Content-Length
/// across any read boundary, hands each message to the intake, answers CRLFCRLF pings with CRLF (RFC 5626
/// §4.4.1), serialises sends, and closes itself on an unframeable or oversized message, on the peer closing, or
/// after <see cref="SipTransportOptions.TcpIdleTimeout"/> without traffic.
/// </summary>
internal sealed class TcpConnection
{
    private const int InitialBuffer = 8192;
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(1);

    /// <summary>The answer to a CRLFCRLF ping (RFC 5626 §4.4.1).</summary>
    private static readonly ReadOnlyMemory<byte> Pong = "\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly TimeProvider _time;
    private readonly SipTransportOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly ITimer _idleTimer;
    private long _lastActivity;
    private int _closed;

    public TcpConnection(Socket socket, SipEndPoint local, TimeProvider time, SipTransportOptions options, ILogger logger)
    {
        _socket = socket;
        _time = time;
        _options = options;
        _logger = logger;
        Local = local;
        Remote = new SipEndPoint(SipTransportProtocol.Tcp, (IPEndPoint)socket.RemoteEndPoint!);
        _lastActivity = time.GetTimestamp();
        _idleTimer = time.CreateTimer(static s => ((TcpConnection)s!).OnIdleTimer(), this, options.TcpIdleTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised once when the connection has closed, so its table can forget it.</summary>
    public event Action<TcpConnection>? Closed;

    public SipEndPoint Remote { get; }

    public SipEndPoint Local { get; }

    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    public async Task RunAsync(MessageIntake intake)
    {
        string reason = "closed by the peer";
        try
        {
            reason = await ReadLoopAsync(intake);
        }
        catch (Exception) when (!IsOpen)
        {
            reason = "closed";
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            reason = e.Message;
        }
        catch (Exception e)
        {
            TransportLog.ReceiveError(_logger, Local, e);
            reason = "error";
        }
        finally
        {
            Close(reason);
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        try
        {
            await _sendLock.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ClosedError(e);
        }

        try
        {
            while (!bytes.IsEmpty)
            {
                int sent = await _socket.SendAsync(bytes, SocketFlags.None, linked.Token);
                bytes = bytes[sent..];
            }

            Touch();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Close("send failed");
            throw ClosedError(e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _idleTimer.Dispose();
        _closing.Cancel();
        _socket.Dispose();
        TransportLog.ConnectionClosed(_logger, Remote, reason);
        Closed?.Invoke(this);
    }

    private async Task<string> ReadLoopAsync(MessageIntake intake)
    {
        int max = _options.MaxMessageSize;
        SipMessageFramer framer = new(max);
        byte[] buffer = new byte[Math.Min(InitialBuffer, max)];
        int count = 0;
        CancellationToken closing = _closing.Token;
        while (true)
        {
            if (count == buffer.Length)
            {
                // The framer decides at max bytes at the latest, so the buffer never needs to grow past it.
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, max));
            }

            int read = await _socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, closing);
            if (read == 0)
            {
                return "closed by the peer";
            }

            count += read;
            Touch();
            int consumed = 0;
            while (true)
            {
                SipFrame frame = framer.Next(buffer.AsSpan(consumed, count - consumed));
                if (frame.Status == SipFrameStatus.NeedMoreData && count - consumed >= max)
                {
                    frame = new SipFrame(SipFrameStatus.Invalid, 0, "Message too large");
                }

                if (frame.Status == SipFrameStatus.NeedMoreData)
                {
                    break;
                }

                if (frame.Status == SipFrameStatus.Invalid)
                {
                    SipResponse? refusal = intake.RefuseFrame(buffer.AsSpan(consumed, count - consumed), frame, max, Remote);
                    await RefuseAndCloseAsync(refusal);
                    return frame.Error ?? "unframeable message";
                }

                if (frame.Status == SipFrameStatus.KeepAlive)
                {
                    if (frame.IsPing)
                    {
                        await SendAsync(Pong, closing);
                    }
                }
                else if (await intake.ReceiveAsync(buffer.AsMemory(consumed, frame.Length), Remote, Local) is { } refusal)
                {
                    await SendAsync(refusal.ToBytes(), closing);
                }

                consumed += frame.Length;
            }

            // Only a frame's leftover moves, once per frame: a trickled message is never copied byte by byte.
            if (consumed > 0)
            {
                buffer.AsSpan(consumed, count - consumed).CopyTo(buffer);
                count -= consumed;
            }
        }
    }

    /// <summary>
    /// Sends the refusal, then half-closes and discards what the peer still sends for a moment: closing a socket
    /// with unread data resets the connection, and the peer could lose the refusal.
    /// </summary>
    private async Task RefuseAndCloseAsync(SipResponse? refusal)
    {
        if (refusal is not null)
        {
            await SendAsync(refusal.ToBytes(), _closing.Token);
        }

        _socket.Shutdown(SocketShutdown.Send);
        using CancellationTokenSource drain = new(DrainTime, _time);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(drain.Token, _closing.Token);
        byte[] sink = new byte[4096];
        try
        {
            for (int total = 0; total < _options.MaxMessageSize;)
            {
                int read = await _socket.ReceiveAsync(sink, SocketFlags.None, linked.Token);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // The drain is best effort.
        }
    }

    private IOException ClosedError(Exception inner) => new($"Sending to {Remote} failed: the connection is closed.", inner);

    private void Touch() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    private void OnIdleTimer()
    {
        TimeSpan idle = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        TimeSpan timeout = _options.TcpIdleTimeout;
        if (idle >= timeout)
        {
            Close("idle");
        }
        else if (IsOpen)
        {
            try
            {
                _idleTimer.Change(timeout - idle, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile.
            }
        }
    }
}

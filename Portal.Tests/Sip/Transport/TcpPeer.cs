using System.Net;
using System.Net.Sockets;

using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transport;

/// <summary>A phone on a TCP connection: writes raw bytes and reads whole SIP messages, each wait bounded.</summary>
internal sealed class TcpPeer : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private byte[] _buffer = new byte[4096];
    private int _count;

    private TcpPeer(Socket socket) => _socket = socket;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public SipEndPoint AsSipEndPoint => new(SipTransportProtocol.Tcp, LocalEndPoint);

    /// <summary>Connects, from <paramref name="from"/> when given (any 127.x.y.z address works on loopback).</summary>
    public static async Task<TcpPeer> ConnectAsync(IPEndPoint server, IPAddress? from = null)
    {
        Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        using CancellationTokenSource timeout = new(Patience);
        await socket.ConnectAsync(server, timeout.Token);
        return new TcpPeer(socket);
    }

    public static TcpPeer FromAccepted(Socket socket) => new(socket);

    public async Task WriteAsync(byte[] bytes)
    {
        using CancellationTokenSource timeout = new(Patience);
        await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
    }

    public async Task<SipMessage> ReadMessageAsync()
    {
        using CancellationTokenSource timeout = new(Patience);
        while (true)
        {
            SipFrame frame = SipMessageFramer.Find(_buffer.AsSpan(0, _count));
            if (frame.Status == SipFrameStatus.Message)
            {
                SipParseResult result = SipMessageParser.Parse(_buffer.AsSpan(0, frame.Length));
                Consume(frame.Length);
                Assert.True(result.Succeeded, result.Error?.ToString());
                return result.Message;
            }

            Assert.Equal(SipFrameStatus.NeedMoreData, frame.Status);
            Assert.True(await ReadMoreAsync(timeout.Token) > 0, "the connection closed before a whole message arrived");
        }
    }

    public async Task<byte[]> ReadBytesAsync(int length)
    {
        using CancellationTokenSource timeout = new(Patience);
        while (_count < length)
        {
            Assert.True(await ReadMoreAsync(timeout.Token) > 0, "the connection closed early");
        }

        byte[] bytes = _buffer[..length];
        Consume(length);
        return bytes;
    }

    /// <summary>True when the server closed the connection (end of stream or reset) within the patience.</summary>
    public async Task<bool> WaitForCloseAsync()
    {
        using CancellationTokenSource timeout = new(Patience);
        try
        {
            while (await ReadMoreAsync(timeout.Token) > 0)
            {
                _count = 0;
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<int> ReadMoreAsync(CancellationToken cancellationToken)
    {
        if (_count == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int read = await _socket.ReceiveAsync(_buffer.AsMemory(_count), SocketFlags.None, cancellationToken);
        _count += read;
        return read;
    }

    private void Consume(int length)
    {
        _buffer.AsSpan(length, _count - length).CopyTo(_buffer);
        _count -= length;
    }
}

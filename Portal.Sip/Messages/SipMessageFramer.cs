namespace Portal.Sip.Messages;

/// <summary>
/// Finds message boundaries in a stream (RFC 3261 §18.3): the header section ends at the first empty line and
/// the body is Content-Length bytes long. Works on whatever has arrived, so TCP may split a message at any byte.
/// Content-Length is mandatory on streams; a message without one is taken to have no body. Leading CRLFs are
/// keep-alives (RFC 5626 §3.5.1) and are reported as such rather than glued to the next message.
/// <para>
/// One framer follows one stream and remembers how far it has read the frame in progress, so a peer that
/// trickles a message one byte at a time costs one look at each byte, not a rescan of everything buffered per
/// byte: the work is linear in the bytes received, whatever the read boundaries.
/// </para>
/// </summary>
public sealed class SipMessageFramer(int maxMessageSize = SipMessageParser.MaxMessageSize)
{
    private const long LengthCap = int.MaxValue;

    private int _scanned;
    private int _lineStart;
    private bool _pastStartLine;
    private int _headerEnd = -1;
    private long _contentLength;
    private bool _contentLengthSeen;
    private ContentLengthValue _open;

    /// <summary>
    /// Bytes the framer has scanned for line ends since it was created: each byte of a header section once,
    /// keep-alives once, bodies not at all. (A completed line is then looked at once more, for Content-Length.)
    /// </summary>
    internal long BytesExamined { get; private set; }

    /// <summary>Frames <paramref name="buffer"/> from scratch (a message, datagram or test input at hand).</summary>
    public static SipFrame Find(ReadOnlySpan<byte> buffer, int maxMessageSize = SipMessageParser.MaxMessageSize) =>
        new SipMessageFramer(maxMessageSize).Next(buffer);

    /// <summary>
    /// The frame at the start of <paramref name="buffered"/>: the bytes of the stream not yet consumed. Between
    /// calls the caller only appends to them, and after a <see cref="SipFrameStatus.Message"/> or
    /// <see cref="SipFrameStatus.KeepAlive"/> frame it drops that frame's bytes from the front; the framer then
    /// starts on the next frame. After <see cref="SipFrameStatus.Invalid"/> the stream cannot go on.
    /// </summary>
    public SipFrame Next(ReadOnlySpan<byte> buffered)
    {
        if (buffered.Length < _scanned)
        {
            throw new ArgumentException("The buffer lost bytes the framer has already read.", nameof(buffered));
        }

        if (buffered.IsEmpty)
        {
            return SipFrame.NeedMoreData;
        }

        if (_scanned == 0 && buffered[0] is (byte)'\r' or (byte)'\n')
        {
            return Done(FindKeepAlive(buffered));
        }

        if (_headerEnd < 0)
        {
            // Never past the limit: a header section that has not ended by then is refused whatever follows.
            SipFrame? refused = ScanHeaders(buffered[..Math.Min(buffered.Length, maxMessageSize)]);
            if (refused is { } invalid)
            {
                return invalid;
            }

            if (_headerEnd < 0)
            {
                return buffered.Length >= maxMessageSize
                    ? new SipFrame(SipFrameStatus.Invalid, 0, "Message too large")
                    : SipFrame.NeedMoreData;
            }
        }

        long total = _headerEnd + _contentLength;
        if (total > maxMessageSize)
        {
            return new SipFrame(SipFrameStatus.Invalid, 0, "Message too large");
        }

        return buffered.Length >= total ? Done(new SipFrame(SipFrameStatus.Message, (int)total)) : SipFrame.NeedMoreData;
    }

    /// <summary>
    /// Reads the bytes that arrived since the last call, line by line; each line is examined once, when its LF
    /// arrives. Sets <see cref="_headerEnd"/> at the empty line; returns a refusal for a bad Content-Length.
    /// </summary>
    private SipFrame? ScanHeaders(ReadOnlySpan<byte> buffered)
    {
        while (_scanned < buffered.Length)
        {
            int lineFeed = buffered[_scanned..].IndexOf((byte)'\n');
            int reached = lineFeed < 0 ? buffered.Length : _scanned + lineFeed + 1;
            BytesExamined += reached - _scanned;
            _scanned = reached;
            if (lineFeed < 0)
            {
                return null;
            }

            ReadOnlySpan<byte> line = buffered[_lineStart..(_scanned - 1)];
            _lineStart = _scanned;
            if (line.EndsWith((byte)'\r'))
            {
                line = line[..^1];
            }

            if (!_pastStartLine)
            {
                _pastStartLine = true;
                continue;
            }

            bool continuation = !line.IsEmpty && line[0] is (byte)' ' or (byte)'\t';
            if (!continuation && _open.IsOpen && CloseContentLength() is { } closeError)
            {
                return closeError;
            }

            if (line.IsEmpty)
            {
                _headerEnd = _scanned;
                return null;
            }

            ReadOnlySpan<byte> value;
            if (continuation)
            {
                // A folded value continues on the next line (RFC 3261 §7.3.1).
                if (!_open.IsOpen)
                {
                    continue;
                }

                value = line;
            }
            else if (!TryGetContentLength(line, out value))
            {
                continue;
            }
            else
            {
                _open = ContentLengthValue.Opened;
            }

            if (!_open.Read(value))
            {
                return new SipFrame(SipFrameStatus.Invalid, 0, "Malformed Content-Length");
            }
        }

        return null;
    }

    /// <summary>A Content-Length header has ended: checks its value against any earlier one (RFC 4475 §3.3.9).</summary>
    private SipFrame? CloseContentLength()
    {
        ContentLengthValue value = _open;
        _open = default;
        if (!value.HasDigits)
        {
            return new SipFrame(SipFrameStatus.Invalid, 0, "Malformed Content-Length");
        }

        if (_contentLengthSeen && value.Number != _contentLength)
        {
            return new SipFrame(SipFrameStatus.Invalid, 0, "Conflicting Content-Length values");
        }

        _contentLength = value.Number;
        _contentLengthSeen = true;
        return null;
    }

    /// <summary>Hands a frame back and forgets this one's state: the next call starts on the frame after it.</summary>
    private SipFrame Done(SipFrame frame)
    {
        BytesExamined += frame.Status == SipFrameStatus.KeepAlive ? frame.Length : 0;
        _scanned = 0;
        _lineStart = 0;
        _pastStartLine = false;
        _headerEnd = -1;
        _contentLength = 0;
        _contentLengthSeen = false;
        _open = default;
        return frame;
    }

    /// <summary>
    /// Leading CR and LF bytes: a CRLFCRLF ping, or a lone CRLF (RFC 3261 §7.5 lets one precede a message). A CRLF
    /// waits for the next byte, since a ping split after its first CRLF must still be answered as a ping.
    /// </summary>
    private static SipFrame FindKeepAlive(ReadOnlySpan<byte> buffer)
    {
        if (buffer.StartsWith("\r\n\r\n"u8))
        {
            return new SipFrame(SipFrameStatus.KeepAlive, 4);
        }

        if (buffer.StartsWith("\r\n"u8))
        {
            return buffer.Length == 2 || (buffer.Length == 3 && buffer[2] == '\r')
                ? SipFrame.NeedMoreData
                : new SipFrame(SipFrameStatus.KeepAlive, 2);
        }

        return buffer[0] == '\r' && buffer.Length == 1 ? SipFrame.NeedMoreData : new SipFrame(SipFrameStatus.KeepAlive, 1);
    }

    /// <summary>
    /// True when the line is a Content-Length (or compact <c>l</c>) header; gives what follows its colon. Looks at
    /// no more of the line than the name, so a long line of another header costs nothing more.
    /// </summary>
    private static bool TryGetContentLength(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> value)
    {
        value = default;
        int name = line.Length >= 14 && System.Text.Ascii.EqualsIgnoreCase(line[..14], "Content-Length"u8) ? 14
            : line.Length >= 1 && line[0] is (byte)'l' or (byte)'L' ? 1
            : 0;
        if (name == 0)
        {
            return false;
        }

        int colon = line[name..].IndexOfAnyExcept((byte)' ', (byte)'\t');
        if (colon < 0 || line[name + colon] != ':')
        {
            return false;
        }

        value = line[(name + colon + 1)..];
        return true;
    }

    /// <summary>
    /// The digits of one Content-Length value as they are read, across folded lines: <c>1*DIGIT</c> with
    /// whitespace around it and nothing else. Values past 2^31 - 1 are capped there, far above any limit.
    /// </summary>
    private struct ContentLengthValue
    {
        private bool _ended;

        public static ContentLengthValue Opened => new() { IsOpen = true };

        public bool IsOpen { get; private set; }

        public bool HasDigits { get; private set; }

        public long Number { get; private set; }

        public bool Read(ReadOnlySpan<byte> text)
        {
            foreach (byte b in text)
            {
                if (b is (byte)' ' or (byte)'\t')
                {
                    _ended |= HasDigits;
                }
                else if (b is >= (byte)'0' and <= (byte)'9' && !_ended)
                {
                    HasDigits = true;
                    Number = Math.Min((Number * 10) + (b - '0'), LengthCap);
                }
                else
                {
                    return false;
                }
            }

            return true;
        }
    }
}

using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// Finds message boundaries in a stream (RFC 3261 §18.3): the header section ends at the first empty line and
/// the body is Content-Length bytes long. Works on whatever has arrived, so TCP may split a message at any byte.
/// Content-Length is mandatory on streams; a message without one is taken to have no body. Leading CRLFs are
/// keep-alives (RFC 5626 §3.5.1) and are reported as such rather than glued to the next message.
/// </summary>
public static class SipMessageFramer
{
    private static ReadOnlySpan<byte> Whitespace => " \t"u8;

    public static SipFrame Find(ReadOnlySpan<byte> buffer, int maxMessageSize = SipMessageParser.MaxMessageSize)
    {
        if (buffer.IsEmpty)
        {
            return SipFrame.NeedMoreData;
        }

        if (buffer[0] is (byte)'\r' or (byte)'\n')
        {
            return FindKeepAlive(buffer);
        }

        int headerEnd = FindHeaderEnd(buffer);
        if (headerEnd < 0)
        {
            return buffer.Length >= maxMessageSize
                ? new SipFrame(SipFrameStatus.Invalid, 0, "Message too large")
                : SipFrame.NeedMoreData;
        }

        long contentLength = 0;
        bool seen = false;
        ReadOnlySpan<byte> headers = buffer[..headerEnd];
        int lineStart = headers.IndexOf((byte)'\n') + 1;
        while (lineStart < headers.Length)
        {
            int lineFeed = headers[lineStart..].IndexOf((byte)'\n');
            int end = lineFeed < 0 ? headers.Length : lineStart + lineFeed;
            ReadOnlySpan<byte> line = headers[lineStart..end].TrimEnd((byte)'\r');
            lineStart = end + 1;
            if (!TryGetContentLength(line, out ReadOnlySpan<byte> value))
            {
                continue;
            }

            value = value.Trim(Whitespace);
            while (value.IsEmpty && lineStart < headers.Length && headers[lineStart] is (byte)' ' or (byte)'\t')
            {
                // A folded value continues on the next line (RFC 3261 §7.3.1).
                lineFeed = headers[lineStart..].IndexOf((byte)'\n');
                end = lineFeed < 0 ? headers.Length : lineStart + lineFeed;
                value = headers[lineStart..end].TrimEnd((byte)'\r').Trim(Whitespace);
                lineStart = end + 1;
            }

            if (value.IsEmpty || value.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
            {
                return new SipFrame(SipFrameStatus.Invalid, 0, "Malformed Content-Length");
            }

            value = value.TrimStart((byte)'0');
            long parsed = value.Length > 9 ? int.MaxValue : value.IsEmpty ? 0 : long.Parse(value, provider: null);
            if (seen && parsed != contentLength)
            {
                // RFC 4475 §3.3.9: with conflicting values a stream cannot be framed.
                return new SipFrame(SipFrameStatus.Invalid, 0, "Conflicting Content-Length values");
            }

            contentLength = parsed;
            seen = true;
        }

        long total = headerEnd + contentLength;
        if (total > maxMessageSize)
        {
            return new SipFrame(SipFrameStatus.Invalid, 0, "Message too large");
        }

        return buffer.Length >= total ? new SipFrame(SipFrameStatus.Message, (int)total) : SipFrame.NeedMoreData;
    }

    private static SipFrame FindKeepAlive(ReadOnlySpan<byte> buffer)
    {
        if (buffer.StartsWith("\r\n\r\n"u8))
        {
            return new SipFrame(SipFrameStatus.KeepAlive, 4);
        }

        if (buffer.StartsWith("\r\n"u8))
        {
            // A lone CRLF is a pong, unless it may be the first half of a ping still arriving.
            return buffer.Length == 3 && buffer[2] == '\r' ? SipFrame.NeedMoreData : new SipFrame(SipFrameStatus.KeepAlive, 2);
        }

        return buffer[0] == '\r' && buffer.Length == 1 ? SipFrame.NeedMoreData : new SipFrame(SipFrameStatus.KeepAlive, 1);
    }

    /// <summary>Index just past the empty line that ends the headers (CRLFCRLF, or bare LFs), or -1.</summary>
    private static int FindHeaderEnd(ReadOnlySpan<byte> buffer)
    {
        int from = 0;
        while (true)
        {
            int lineFeed = buffer[from..].IndexOf((byte)'\n');
            if (lineFeed < 0)
            {
                return -1;
            }

            int next = from + lineFeed + 1;
            if (next < buffer.Length && buffer[next] == '\n')
            {
                return next + 1;
            }

            if (next + 1 < buffer.Length && buffer[next] == '\r' && buffer[next + 1] == '\n')
            {
                return next + 2;
            }

            from = next;
        }
    }

    /// <summary>True when the line is a Content-Length (or compact <c>l</c>) header; gives its value.</summary>
    private static bool TryGetContentLength(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> value)
    {
        value = default;
        int colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t')
        {
            return false;
        }

        ReadOnlySpan<byte> name = line[..colon].TrimEnd(Whitespace);
        if (!Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && !Ascii.EqualsIgnoreCase(name, "l"u8))
        {
            return false;
        }

        value = line[(colon + 1)..];
        return true;
    }
}

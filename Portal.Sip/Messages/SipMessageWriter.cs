using System.Buffers.Text;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// Serialises a message in canonical form (RFC 3261 §7): <c>Name: value CRLF</c> per line with long names,
/// unfolded values, and Content-Length recomputed from the body. A parsed, unchanged value is copied as its
/// original bytes, so serialising a received message costs one allocation and two copies.
/// </summary>
internal static class SipMessageWriter
{
    private static ReadOnlySpan<byte> Separator => ": "u8;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static ReadOnlySpan<byte> ContentLengthPrefix => "Content-Length: "u8;

    public static int GetLength(SipMessage message)
    {
        SipHeaders headers = message.Headers;
        int length = message.GetStartLineLength();
        for (int i = 0; i < headers.Count; i++)
        {
            ref SipHeaderEntry e = ref headers.EntryAt(i);
            if (ReferenceEquals(e.Name, SipHeaderNames.ContentLength))
            {
                continue;
            }

            int valueLength = headers.TryGetRawValue(i, out ReadOnlySpan<byte> raw)
                ? raw.Length
                : Encoding.UTF8.GetByteCount(headers.GetValue(i));
            length += e.Name.Length + Separator.Length + valueLength + Crlf.Length;
        }

        length += ContentLengthPrefix.Length + DigitCount(message.Body.Length) + Crlf.Length;
        return length + Crlf.Length + message.Body.Length;
    }

    public static int Write(SipMessage message, Span<byte> destination)
    {
        SipHeaders headers = message.Headers;
        int n = message.WriteStartLine(destination);
        bool contentLengthWritten = false;
        for (int i = 0; i < headers.Count; i++)
        {
            ref SipHeaderEntry e = ref headers.EntryAt(i);
            if (ReferenceEquals(e.Name, SipHeaderNames.ContentLength))
            {
                if (!contentLengthWritten)
                {
                    n += WriteContentLength(message.Body.Length, destination[n..]);
                    contentLengthWritten = true;
                }

                continue;
            }

            n += WriteAscii(e.Name, destination[n..]);
            Separator.CopyTo(destination[n..]);
            n += Separator.Length;
            if (headers.TryGetRawValue(i, out ReadOnlySpan<byte> raw))
            {
                raw.CopyTo(destination[n..]);
                n += raw.Length;
            }
            else
            {
                n += Encoding.UTF8.GetBytes(headers.GetValue(i), destination[n..]);
            }

            Crlf.CopyTo(destination[n..]);
            n += Crlf.Length;
        }

        if (!contentLengthWritten)
        {
            n += WriteContentLength(message.Body.Length, destination[n..]);
        }

        Crlf.CopyTo(destination[n..]);
        n += Crlf.Length;
        message.Body.Span.CopyTo(destination[n..]);
        return n + message.Body.Length;
    }

    /// <summary>Writes ASCII text (a method, a token, the version) and returns its length.</summary>
    public static int WriteAscii(string text, Span<byte> destination)
    {
        Ascii.FromUtf16(text, destination, out int written);
        return written;
    }

    public static int DigitCount(int value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private static int WriteContentLength(int bodyLength, Span<byte> destination)
    {
        ContentLengthPrefix.CopyTo(destination);
        int n = ContentLengthPrefix.Length;
        Utf8Formatter.TryFormat(bodyLength, destination[n..], out int digits);
        n += digits;
        Crlf.CopyTo(destination[n..]);
        return n + Crlf.Length;
    }
}

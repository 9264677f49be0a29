using System.Buffers;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// Parses one SIP message from a datagram or a stream frame (RFC 3261 §7, §18.3). The start line and header
/// names are read eagerly; values stay as byte ranges, checked against their grammar without allocating and
/// turned into strings or typed views only when read. Liberal where RFC 3261 §7.3 and RFC 4475 allow it
/// (compact forms, folding, leading CRLFs, extra whitespace in the start line, no Max-Forwards), strict where a
/// bad message must be refused: 400 with a reason naming the problem, 505 for another SIP version.
/// </summary>
public static class SipMessageParser
{
    /// <summary>Messages above 64 KiB are refused (RFC 3261 §18.1.1's UDP bound; TCP framing uses the same).</summary>
    public const int MaxMessageSize = 64 * 1024;

    private const int StackChars = 512;

    [ThreadStatic]
    private static SipHeaderEntry[]? t_scratch;

    /// <summary>Parses a copy of <paramref name="data"/>, so the caller may reuse its buffer at once.</summary>
    public static SipParseResult Parse(ReadOnlySpan<byte> data) =>
        data.Length > MaxMessageSize ? TooLarge() : ParseOwned(data.ToArray());

    /// <summary>
    /// Parses without copying: the message keeps referring to <paramref name="data"/>, which must not change
    /// afterwards (hand over a buffer, not a reused receive buffer).
    /// </summary>
    public static SipParseResult Parse(ReadOnlyMemory<byte> data) =>
        data.Length > MaxMessageSize ? TooLarge() : ParseOwned(data);

    private static SipParseResult TooLarge() =>
        new(new SipParseError(SipStatusCodes.MessageTooLarge, "Message Too Large"), true, null, null);

    private static SipParseResult ParseOwned(ReadOnlyMemory<byte> memory)
    {
        ReadOnlySpan<byte> s = memory.Span;

        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        int pos = s.IndexOfAnyExcept((byte)'\r', (byte)'\n');
        if (pos < 0)
        {
            return new(SipParseError.BadRequest("Empty message"), true, null, null);
        }

        int lineFeed = s[pos..].IndexOf((byte)'\n');
        if (lineFeed < 0)
        {
            return new(SipParseError.BadRequest("Missing end of headers"), true, null, null);
        }

        int startLineEnd = pos + lineFeed;
        StartLine start = StartLine.Parse(memory, pos, startLineEnd > pos && s[startLineEnd - 1] == '\r' ? startLineEnd - 1 : startLineEnd);
        SipParseError? error = start.Error;

        SipHeaderEntry[] scratch = t_scratch ??= new SipHeaderEntry[64];
        t_scratch = null;
        int count = 0;
        int bodyStart = ReadHeaderLines(s, startLineEnd + 1, ref scratch, ref count, ref error);
        SipHeaders headers = new(memory, scratch.AsSpan(0, count).ToArray(), count);
        Array.Clear(scratch, 0, count);
        t_scratch = scratch;

        if (error is null)
        {
            error = ReadBody(memory, headers, bodyStart, out ReadOnlyMemory<byte> body, out int ignored)
                ?? CheckHeaderValues(headers, s, start);
            if (error is null)
            {
                SipMessage message = start.IsRequest
                    ? new SipRequest(start.Method!, memory[start.Uri], headers, body)
                    : new SipResponse(start.StatusCode, start.ReasonPhrase, headers, body);
                return new SipParseResult(message, ignored);
            }
        }

        return new SipParseResult(error, start.IsRequest, start.Method, headers);
    }

    /// <summary>
    /// Splits header lines (RFC 3261 §7.3) into entries, joining continuation lines that start with whitespace
    /// (§7.3.1 folding). Returns the index of the body, or -1 when the empty line is missing or a line is bad.
    /// </summary>
    private static int ReadHeaderLines(
        ReadOnlySpan<byte> s, int next, ref SipHeaderEntry[] entries, ref int count, ref SipParseError? error)
    {
        while (next < s.Length)
        {
            int lineFeed = s[next..].IndexOf((byte)'\n');
            if (lineFeed < 0)
            {
                break;
            }

            int lineStart = next;
            int end = next + lineFeed;
            int contentEnd = end > next && s[end - 1] == '\r' ? end - 1 : end;
            next = end + 1;
            ReadOnlySpan<byte> line = s[lineStart..contentEnd];
            if (line.IsEmpty)
            {
                return next;
            }

            // CR belongs only to a line end (RFC 3261 §7); a bare one could end a line for another parser.
            if (line.Contains((byte)'\r'))
            {
                error ??= SipParseError.BadRequest("Malformed header line");
                return -1;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (count == 0)
                {
                    error ??= SipParseError.BadRequest("Malformed header line");
                    return -1;
                }

                ref SipHeaderEntry previous = ref entries[count - 1];
                previous.Length = contentEnd - previous.Start;
                previous.Folded = true;
                continue;
            }

            int colon = line.IndexOf((byte)':');
            ReadOnlySpan<byte> name = colon < 0 ? default : line[..colon].TrimEnd(" \t"u8);
            if (name.IsEmpty || name.ContainsAnyExcept(SipChars.TokenBytes))
            {
                error ??= SipParseError.BadRequest("Malformed header line");
                return -1;
            }

            int valueStart = lineStart + colon + 1;
            while (valueStart < contentEnd && s[valueStart] is (byte)' ' or (byte)'\t')
            {
                valueStart++;
            }

            int valueEnd = contentEnd;
            while (valueEnd > valueStart && s[valueEnd - 1] is (byte)' ' or (byte)'\t')
            {
                valueEnd--;
            }

            string? known = SipHeaderNames.FindKnown(name);
            if (count == entries.Length)
            {
                Array.Resize(ref entries, count * 2);
            }

            entries[count++] = new SipHeaderEntry
            {
                Name = known ?? Encoding.ASCII.GetString(name),
                Start = valueStart,
                Length = valueEnd - valueStart,
            };
        }

        error ??= SipParseError.BadRequest("Missing end of headers");
        return -1;
    }

    /// <summary>
    /// Applies Content-Length (RFC 3261 §18.3, §20.14): the body is that many bytes and any surplus of a datagram
    /// is dropped; a larger value than the bytes present is an error; without the header a datagram's body runs
    /// to its end. Conflicting values are left for <see cref="SipMessage.Validate"/> (RFC 4475 §3.3.9).
    /// </summary>
    private static SipParseError? ReadBody(
        ReadOnlyMemory<byte> memory, SipHeaders headers, int bodyStart, out ReadOnlyMemory<byte> body, out int ignored)
    {
        int available = memory.Length - bodyStart;
        body = memory[bodyStart..];
        ignored = 0;
        int i = headers.IndexOf(SipHeaderNames.ContentLength, 0);
        if (i < 0)
        {
            return null;
        }

        int length = -1;
        for (int k = i; k >= 0; k = headers.IndexOf(SipHeaderNames.ContentLength, k + 1))
        {
            ref SipHeaderEntry e = ref headers.EntryAt(k);
            ReadOnlySpan<byte> raw = memory.Span.Slice(e.Start, e.Length).Trim(" \t\r\n"u8);
            if (raw.IsEmpty || raw.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
            {
                return SipParseError.Malformed(SipHeaderNames.ContentLength);
            }

            if (length < 0)
            {
                // Anything past nine significant digits exceeds any body this parser accepts.
                raw = raw.TrimStart((byte)'0');
                length = raw.Length > 9 ? int.MaxValue : raw.IsEmpty ? 0 : int.Parse(raw, provider: null);
            }
        }

        if (length > available)
        {
            return SipParseError.BadRequest("Content-Length exceeds body");
        }

        body = memory.Slice(bodyStart, length);
        ignored = available - length;
        return null;
    }

    /// <summary>Checks every header that has a typed view against its grammar, then the CSeq method (§8.1.1.5).</summary>
    private static SipParseError? CheckHeaderValues(SipHeaders headers, ReadOnlySpan<byte> s, StartLine start)
    {
        char[]? rented = null;
        Span<char> buffer = stackalloc char[StackChars];
        try
        {
            for (int i = 0; i < headers.Count; i++)
            {
                ref SipHeaderEntry e = ref headers.EntryAt(i);
                SpanValidator? validator = HeaderValidators.Find(e.Name);
                if (validator is null && !(start.IsRequest && ReferenceEquals(e.Name, SipHeaderNames.CSeq)))
                {
                    continue;
                }

                if (e.Length > buffer.Length)
                {
                    if (rented is not null)
                    {
                        ArrayPool<char>.Shared.Return(rented);
                    }

                    rented = ArrayPool<char>.Shared.Rent(e.Length);
                    buffer = rented;
                }

                int n = HeaderValueText.Decode(s.Slice(e.Start, e.Length), e.Folded, buffer);
                ReadOnlySpan<char> value = buffer[..n];
                if (validator is not null && !validator(value))
                {
                    return SipParseError.Malformed(e.Name);
                }

                if (start.IsRequest && ReferenceEquals(e.Name, SipHeaderNames.CSeq)
                    && CSeqHeader.TryScan(value, out _, out Range method)
                    && !value[method].SequenceEqual(start.Method!.Name))
                {
                    return SipParseError.BadRequest("CSeq method does not match request method");
                }
            }

            return null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}

using System.Buffers;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// The first line of a message (RFC 3261 §7.1, §7.2), read from bytes. Runs of spaces between the parts and
/// trailing whitespace are tolerated (RFC 4475 §3.1.2.8 lwsstart, §3.1.2.9 trws); a part too many — such as
/// whitespace inside the Request-URI (§3.1.2.7) — is not.
/// </summary>
internal readonly struct StartLine
{
    public bool IsRequest { get; private init; }

    public SipMethod? Method { get; private init; }

    /// <summary>Where the Request-URI lies in the message.</summary>
    public Range Uri { get; private init; }

    public int StatusCode { get; private init; }

    public string ReasonPhrase { get; private init; }

    public SipParseError? Error { get; private init; }

    public static StartLine Parse(ReadOnlyMemory<byte> memory, int start, int end)
    {
        ReadOnlySpan<byte> line = memory.Span[start..end].TrimEnd(" \t"u8);
        return line.Length >= 4 && Ascii.EqualsIgnoreCase(line[..4], "SIP/"u8)
            ? ParseStatusLine(line)
            : ParseRequestLine(line, start);
    }

    private static StartLine ParseRequestLine(ReadOnlySpan<byte> line, int offset)
    {
        Span<Range> parts = stackalloc Range[4];
        int count = 0;
        int i = 0;
        while (i < line.Length && count < parts.Length)
        {
            int end = line[i..].IndexOfAny((byte)' ', (byte)'\t');
            end = end < 0 ? line.Length : i + end;
            parts[count++] = new Range(i, end);
            i = end;
            while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }
        }

        ReadOnlySpan<byte> methodBytes = count > 0 ? line[parts[0]] : default;
        SipMethod? method = !methodBytes.IsEmpty && !methodBytes.ContainsAnyExcept(SipChars.TokenBytes)
            ? SipMethod.FromWire(methodBytes)
            : null;
        if (count != 3 || method is null)
        {
            return Failed(method, SipParseError.BadRequest("Malformed Request-Line"));
        }

        if (CheckVersion(line[parts[2]]) is { } versionError)
        {
            return Failed(method, versionError);
        }

        ReadOnlySpan<byte> uri = line[parts[1]];
        SipParseError? uriError = CheckRequestUri(uri);
        if (uriError is not null)
        {
            return Failed(method, uriError);
        }

        (int uriOffset, int uriLength) = parts[1].GetOffsetAndLength(line.Length);
        return new StartLine
        {
            IsRequest = true,
            Method = method,
            Uri = new Range(offset + uriOffset, offset + uriOffset + uriLength),
            ReasonPhrase = string.Empty,
        };
    }

    private static StartLine ParseStatusLine(ReadOnlySpan<byte> line)
    {
        int space = line.IndexOfAny((byte)' ', (byte)'\t');
        if (CheckVersion(space < 0 ? line : line[..space]) is { } versionError)
        {
            return new StartLine { Error = versionError, ReasonPhrase = string.Empty };
        }

        ReadOnlySpan<byte> rest = space < 0 ? default : line[space..].TrimStart(" \t"u8);
        int codeEnd = rest.IndexOfAny((byte)' ', (byte)'\t');
        ReadOnlySpan<byte> code = codeEnd < 0 ? rest : rest[..codeEnd];

        // Status-Code = 3DIGIT, 100 to 699 (RFC 3261 §7.2, §21; RFC 4475 §3.1.2.19 bigcode).
        if (code.Length != 3 || code.ContainsAnyExceptInRange((byte)'0', (byte)'9') || code[0] is < (byte)'1' or > (byte)'6')
        {
            return new StartLine { Error = SipParseError.BadRequest("Malformed status code"), ReasonPhrase = string.Empty };
        }

        int status = ((code[0] - '0') * 100) + ((code[1] - '0') * 10) + (code[2] - '0');
        ReadOnlySpan<byte> reasonBytes = codeEnd < 0 ? default : rest[codeEnd..].TrimStart(" \t"u8);

        // Reason-Phrase admits text, SP and HTAB but no other control character (RFC 3261 §25.1).
        if (reasonBytes.IndexOfAnyInRange((byte)0, (byte)8) >= 0 || reasonBytes.IndexOfAnyInRange((byte)10, (byte)31) >= 0
            || reasonBytes.Contains((byte)0x7F))
        {
            return new StartLine { Error = SipParseError.BadRequest("Malformed reason phrase"), ReasonPhrase = string.Empty };
        }
        string standard = SipStatusCodes.GetReasonPhrase(status);
        string reason = Ascii.Equals(reasonBytes, standard) ? standard : Encoding.UTF8.GetString(reasonBytes);
        return new StartLine { StatusCode = status, ReasonPhrase = reason };
    }

    /// <summary>SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is spoken (RFC 3261 §7.1, §21.5.6).</summary>
    private static SipParseError? CheckVersion(ReadOnlySpan<byte> version)
    {
        if (Ascii.EqualsIgnoreCase(version, "SIP/2.0"u8))
        {
            return null;
        }

        ReadOnlySpan<byte> number = version.Length > 4 ? version[4..] : default;
        int dot = number.IndexOf((byte)'.');
        bool wellFormed = version.Length > 4 && Ascii.EqualsIgnoreCase(version[..4], "SIP/"u8) && dot > 0 && dot < number.Length - 1
            && !number[..dot].ContainsAnyExceptInRange((byte)'0', (byte)'9')
            && !number[(dot + 1)..].ContainsAnyExceptInRange((byte)'0', (byte)'9');
        return wellFormed
            ? new SipParseError(SipStatusCodes.VersionNotSupported, "Version Not Supported")
            : SipParseError.BadRequest("Malformed SIP version");
    }

    /// <summary>
    /// Request-URI = SIP-URI / SIPS-URI / absoluteURI (RFC 3261 §25.1). Headers are not allowed in a Request-URI
    /// (§19.1.1 table 1); this parser refuses them rather than ignore them (RFC 4475 §3.1.2.10 escruri).
    /// </summary>
    private static SipParseError? CheckRequestUri(ReadOnlySpan<byte> uri)
    {
        char[]? rented = uri.Length > 512 ? ArrayPool<char>.Shared.Rent(uri.Length) : null;
        Span<char> chars = rented ?? stackalloc char[512];
        try
        {
            if (Ascii.ToUtf16(uri, chars, out int n) != OperationStatus.Done
                || !AbsoluteUri.TryParse(chars[..n], materialise: false, out _, out bool hasHeaders))
            {
                return SipParseError.BadRequest("Malformed Request-URI");
            }

            return hasHeaders ? SipParseError.BadRequest("Headers not allowed in Request-URI") : null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static StartLine Failed(SipMethod? method, SipParseError error) =>
        new() { IsRequest = true, Method = method, Error = error, ReasonPhrase = string.Empty };
}

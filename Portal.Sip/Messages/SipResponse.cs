using System.Text;

namespace Portal.Sip.Messages;

/// <summary>A SIP response (RFC 3261 §7.2): status code 100–699, reason phrase, headers, body.</summary>
public sealed class SipResponse : SipMessage
{
    public SipResponse(int statusCode, string? reasonPhrase = null, SipHeaders? headers = null, ReadOnlyMemory<byte> body = default)
        : base(headers ?? new SipHeaders(), body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        reasonPhrase ??= SipStatusCodes.GetReasonPhrase(statusCode);
        if (reasonPhrase.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("A reason phrase may not contain CR or LF.", nameof(reasonPhrase));
        }

        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public bool IsFinal => StatusCode >= 200;

    /// <summary>
    /// A response built from a request's headers as RFC 3261 §8.2.6 describes (see
    /// <see cref="SipRequest.CreateResponse"/>). Works from raw header lines, so a transport can still answer a
    /// request that failed to parse with whatever Via, From, To, Call-ID and CSeq were read.
    /// </summary>
    public static SipResponse Create(SipHeaders requestHeaders, int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(requestHeaders);
        if (toTag is not null && !SipChars.IsToken(toTag))
        {
            throw new ArgumentException($"'{toTag}' is not a valid tag.", nameof(toTag));
        }

        SipResponse response = new(statusCode, reasonPhrase);
        SipHeaders headers = response.Headers;
        foreach (string via in requestHeaders.GetAll(SipHeaderNames.Via))
        {
            headers.Add(SipHeaderNames.Via, via);
        }

        CopyFirst(requestHeaders, headers, SipHeaderNames.From);
        if (requestHeaders.GetFirst(SipHeaderNames.To) is { } to)
        {
            bool hasTag = NameAddress.TryParse(to, out NameAddress? address) && address.Tag is not null;
            headers.Add(SipHeaderNames.To, hasTag || toTag is null ? to : to + ";tag=" + toTag);
        }

        CopyFirst(requestHeaders, headers, SipHeaderNames.CallId);
        CopyFirst(requestHeaders, headers, SipHeaderNames.CSeq);
        if (statusCode == SipStatusCodes.Trying)
        {
            CopyFirst(requestHeaders, headers, SipHeaderNames.Timestamp);
        }

        return response;
    }

    internal override int GetStartLineLength() =>
        Version.Length + 1 + 3 + 1 + Encoding.UTF8.GetByteCount(ReasonPhrase) + 2;

    internal override int WriteStartLine(Span<byte> destination)
    {
        int n = SipMessageWriter.WriteAscii(Version, destination);
        destination[n++] = (byte)' ';
        destination[n++] = (byte)('0' + (StatusCode / 100));
        destination[n++] = (byte)('0' + (StatusCode / 10 % 10));
        destination[n++] = (byte)('0' + (StatusCode % 10));
        destination[n++] = (byte)' ';
        n += Encoding.UTF8.GetBytes(ReasonPhrase, destination[n..]);
        destination[n++] = (byte)'\r';
        destination[n++] = (byte)'\n';
        return n;
    }

    private static void CopyFirst(SipHeaders from, SipHeaders to, string name)
    {
        if (from.GetFirst(name) is { } value)
        {
            to.Add(name, value);
        }
    }
}

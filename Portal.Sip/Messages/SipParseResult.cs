using System.Diagnostics.CodeAnalysis;

namespace Portal.Sip.Messages;

/// <summary>
/// The outcome of <see cref="SipMessageParser.Parse(ReadOnlySpan{byte})"/>: a message, or the error to answer
/// with plus whatever was read of the start line and headers, so the transport can still send that answer
/// (RFC 3261 §8.2, §18.2.1).
/// </summary>
public readonly struct SipParseResult
{
    internal SipParseResult(SipMessage message, int ignoredBytes)
    {
        Message = message;
        Headers = message.Headers;
        IsRequest = message is SipRequest;
        Method = (message as SipRequest)?.Method;
        IgnoredBytes = ignoredBytes;
    }

    internal SipParseResult(SipParseError error, bool isRequest, SipMethod? method, SipHeaders? headers)
    {
        Error = error;
        IsRequest = isRequest;
        Method = method;
        Headers = headers ?? new SipHeaders();
    }

    [MemberNotNullWhen(true, nameof(Message))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Message is not null;

    public SipMessage? Message { get; }

    public SipParseError? Error { get; }

    /// <summary>True when the start line was a request line (or could not be told from one).</summary>
    public bool IsRequest { get; }

    /// <summary>The request method, when the request line was readable.</summary>
    public SipMethod? Method { get; }

    /// <summary>The header lines read; on failure, those read before the problem (values unchecked).</summary>
    public SipHeaders Headers { get; }

    /// <summary>Bytes after the body that Content-Length excluded; a datagram's surplus is dropped (RFC 3261 §18.3).</summary>
    public int IgnoredBytes { get; }

    /// <summary>
    /// The response to send for a request that failed to parse, built from the headers that were read
    /// (RFC 3261 §8.2.6). Null when the message parsed, was a response or an ACK (never answered, §17.2.1), or
    /// carried no Via to answer along.
    /// </summary>
    public SipResponse? CreateErrorResponse(string? toTag = null)
    {
        if (Error is null || !IsRequest || Method == SipMethod.Ack || !Headers.Contains(SipHeaderNames.Via))
        {
            return null;
        }

        // Echo only what is well formed: a malformed From, To, Call-ID or CSeq copied into the 400 would make the
        // answer itself unparseable for the sender. Via is kept as sent, since the answer travels back by it.
        SipHeaders echo = new();
        foreach (string via in Headers.GetAll(SipHeaderNames.Via))
        {
            echo.Add(SipHeaderNames.Via, via);
        }

        foreach (string name in (string[])[SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq])
        {
            if (Headers.GetFirst(name) is { } value && IsWellFormed(name, value))
            {
                echo.Add(name, value);
            }
        }

        return SipResponse.Create(echo, Error.StatusCode, Error.ReasonPhrase, toTag);
    }

    private static bool IsWellFormed(string name, string value) =>
        name == SipHeaderNames.CSeq ? CSeqHeader.TryParse(value, out _)
        : HeaderValidators.Find(name) is not { } validator || validator(value);
}

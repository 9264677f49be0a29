using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// A SIP request (RFC 3261 §7.1): method, Request-URI, headers, body. A parsed request keeps its Request-URI as
/// received until it is replaced, so forwarding an untouched request writes it byte for byte.
/// </summary>
public sealed class SipRequest : SipMessage
{
    private ReadOnlyMemory<byte> _rawUri;
    private AbsoluteUri? _uri;

    public SipRequest(SipMethod method, AbsoluteUri uri, SipHeaders? headers = null, ReadOnlyMemory<byte> body = default)
        : base(headers ?? new SipHeaders(), body)
    {
        Method = method ?? throw new ArgumentNullException(nameof(method));
        _uri = uri ?? throw new ArgumentNullException(nameof(uri));
    }

    internal SipRequest(SipMethod method, ReadOnlyMemory<byte> rawUri, SipHeaders headers, ReadOnlyMemory<byte> body)
        : base(headers, body)
    {
        Method = method;
        _rawUri = rawUri;
    }

    public SipMethod Method { get; }

    /// <summary>The Request-URI: a <see cref="SipUri"/>, <see cref="TelUri"/> or <see cref="OpaqueUri"/>.</summary>
    public AbsoluteUri Uri
    {
        get => _uri ??= AbsoluteUri.Parse(Encoding.UTF8.GetString(_rawUri.Span));
        set
        {
            _uri = value ?? throw new ArgumentNullException(nameof(value));
            _rawUri = default;
        }
    }

    /// <summary>
    /// A response to this request as RFC 3261 §8.2.6.2 builds it: every Via in order, From, To, Call-ID and CSeq
    /// copied; a To tag added when the request's To has none and <paramref name="toTag"/> is given; Timestamp
    /// copied into a 100 (§8.2.6.1). The reason phrase defaults to the standard one.
    /// </summary>
    public SipResponse CreateResponse(int statusCode, string? reasonPhrase = null, string? toTag = null) =>
        SipResponse.Create(Headers, statusCode, reasonPhrase, toTag);

    /// <summary>
    /// The CANCEL for this request (RFC 3261 §9.1): same Request-URI, Call-ID, To, From and CSeq number, method
    /// CANCEL, only the top Via (so it matches the INVITE's transaction), and the same Route set.
    /// </summary>
    public SipRequest CreateCancel()
    {
        SipRequest cancel = new(SipMethod.Cancel, Uri);
        CopyFirst(SipHeaderNames.Via, cancel);
        CopyAll(SipHeaderNames.Route, cancel);
        cancel.Headers.Add(SipHeaderNames.MaxForwards, "70");
        CopyFirst(SipHeaderNames.From, cancel);
        CopyFirst(SipHeaderNames.To, cancel);
        CopyFirst(SipHeaderNames.CallId, cancel);
        cancel.Headers.Add(SipHeaderNames.CSeq, new CSeqHeader(CSeq?.Number ?? 1, SipMethod.Cancel).ToString());
        return cancel;
    }

    /// <summary>
    /// The ACK for a non-2xx final response to this INVITE (RFC 3261 §17.1.1.3): same Request-URI, Call-ID, From
    /// and CSeq number, the response's To (with its tag), only the top Via, and the same Route set.
    /// </summary>
    public SipRequest CreateAckFor(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        SipRequest ack = new(SipMethod.Ack, Uri);
        CopyFirst(SipHeaderNames.Via, ack);
        CopyAll(SipHeaderNames.Route, ack);
        ack.Headers.Add(SipHeaderNames.MaxForwards, "70");
        CopyFirst(SipHeaderNames.From, ack);
        if (response.Headers.GetFirst(SipHeaderNames.To) is { } to)
        {
            ack.Headers.Add(SipHeaderNames.To, to);
        }

        CopyFirst(SipHeaderNames.CallId, ack);
        ack.Headers.Add(SipHeaderNames.CSeq, new CSeqHeader(CSeq?.Number ?? 1, SipMethod.Ack).ToString());
        return ack;
    }

    internal override int GetStartLineLength() =>
        Method.Name.Length + 1 + UriByteCount() + 1 + Version.Length + 2;

    internal override int WriteStartLine(Span<byte> destination)
    {
        int n = SipMessageWriter.WriteAscii(Method.Name, destination);
        destination[n++] = (byte)' ';
        if (!_rawUri.IsEmpty)
        {
            _rawUri.Span.CopyTo(destination[n..]);
            n += _rawUri.Length;
        }
        else
        {
            n += Encoding.UTF8.GetBytes(Uri.ToString(), destination[n..]);
        }

        destination[n++] = (byte)' ';
        n += SipMessageWriter.WriteAscii(Version, destination[n..]);
        destination[n++] = (byte)'\r';
        destination[n++] = (byte)'\n';
        return n;
    }

    private int UriByteCount() => !_rawUri.IsEmpty ? _rawUri.Length : Encoding.UTF8.GetByteCount(Uri.ToString());

    private void CopyFirst(string name, SipRequest target)
    {
        // The top Via is the first value of the first Via line, which may hold several.
        if (ReferenceEquals(name, SipHeaderNames.Via))
        {
            if (TopVia is { } via)
            {
                target.Headers.Add(name, via.ToString());
            }

            return;
        }

        if (Headers.GetFirst(name) is { } value)
        {
            target.Headers.Add(name, value);
        }
    }

    private void CopyAll(string name, SipRequest target)
    {
        foreach (string value in Headers.GetAll(name))
        {
            target.Headers.Add(name, value);
        }
    }
}

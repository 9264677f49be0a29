using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// A SIP request or response (RFC 3261 §7): start line, headers and a body kept as bytes. The typed properties
/// are views of <see cref="Headers"/>, parsed on first use and cached per header line. A parsed message has had
/// every header with a typed view validated, so reading those views does not throw; a view of a header a program
/// added with a malformed value throws <see cref="SipFormatException"/>. Not thread-safe.
/// </summary>
public abstract class SipMessage
{
    /// <summary>The only version this stack speaks (RFC 3261 §7.1).</summary>
    public const string Version = "SIP/2.0";

    private static readonly Func<string, ViaHeader> ParseVia = ViaHeader.Parse;
    private static readonly Func<string, NameAddress> ParseNameAddress = NameAddress.Parse;
    private static readonly Func<string, ContactHeader> ParseContact = ContactHeader.Parse;
    private static readonly Func<string, CSeqHeader> ParseCSeq = CSeqHeader.Parse;
    private static readonly Func<string, AuthorizationHeader> ParseAuthorization = AuthorizationHeader.Parse;
    private static readonly Func<string, AuthenticateHeader> ParseAuthenticate = AuthenticateHeader.Parse;
    private static readonly Func<string, string> ParseToken =
        static v => SipChars.IsToken(v) ? v : throw new FormatException($"'{v}' is not a token.");

    private protected SipMessage(SipHeaders headers, ReadOnlyMemory<byte> body)
    {
        Headers = headers;
        Body = body;
    }

    public SipHeaders Headers { get; }

    /// <summary>Lets go of what reading the headers cached; see <see cref="SipHeaders.Compact"/>.</summary>
    internal void Compact() => Headers.Compact();

    /// <summary>The body as received or to send; Content-Length is always written from its length.</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>All Via values, top (most recent hop) first, across lines and commas.</summary>
    public IReadOnlyList<ViaHeader> Vias => Headers.GetParsedList(SipHeaderNames.Via, ParseVia);

    public ViaHeader? TopVia => Vias is { Count: > 0 } vias ? vias[0] : null;

    public NameAddress? From => Headers.GetParsed(SipHeaderNames.From, ParseNameAddress);

    public NameAddress? To => Headers.GetParsed(SipHeaderNames.To, ParseNameAddress);

    public string? CallId => Headers.GetFirst(SipHeaderNames.CallId);

    public CSeqHeader? CSeq => Headers.GetParsed(SipHeaderNames.CSeq, ParseCSeq);

    /// <summary>Max-Forwards (0–255, RFC 3261 §20.22); null when absent, as in RFC 2543 requests.</summary>
    public int? MaxForwards
    {
        get
        {
            string? value = Headers.GetFirst(SipHeaderNames.MaxForwards);
            if (value is null)
            {
                return null;
            }

            return SipSyntax.TryParseUInt32(value, out uint hops) && hops <= 255
                ? (int)hops
                : throw new SipFormatException(SipHeaderNames.MaxForwards);
        }
    }

    /// <summary>All Contact values; a REGISTER removing every binding has one <see cref="ContactHeader.Wildcard"/>.</summary>
    public IReadOnlyList<ContactHeader> Contacts => Headers.GetParsedList(SipHeaderNames.Contact, ParseContact);

    public IReadOnlyList<NameAddress> Routes => Headers.GetParsedList(SipHeaderNames.Route, ParseNameAddress);

    public IReadOnlyList<NameAddress> RecordRoutes => Headers.GetParsedList(SipHeaderNames.RecordRoute, ParseNameAddress);

    public ContentTypeHeader? ContentType => Headers.GetParsed(SipHeaderNames.ContentType, ContentTypeHeader.Parse);

    /// <summary>
    /// The Expires header in seconds; null when absent. Malformed values count as 3600 (RFC 3261 §20.19) and
    /// values past 2^32-1 are capped there (RFC 4475 §3.1.2.4).
    /// </summary>
    public uint? Expires
    {
        get
        {
            string? value = Headers.GetFirst(SipHeaderNames.Expires);
            return ContactHeader.ParseExpires(value, value is not null);
        }
    }

    public IReadOnlyList<AuthorizationHeader> Authorizations =>
        Headers.GetParsedList(SipHeaderNames.Authorization, ParseAuthorization, split: false);

    public IReadOnlyList<AuthorizationHeader> ProxyAuthorizations =>
        Headers.GetParsedList(SipHeaderNames.ProxyAuthorization, ParseAuthorization, split: false);

    public IReadOnlyList<AuthenticateHeader> WwwAuthenticate =>
        Headers.GetParsedList(SipHeaderNames.WwwAuthenticate, ParseAuthenticate, split: false);

    public IReadOnlyList<AuthenticateHeader> ProxyAuthenticate =>
        Headers.GetParsedList(SipHeaderNames.ProxyAuthenticate, ParseAuthenticate, split: false);

    public NameAddress? ReferTo => Headers.GetParsed(SipHeaderNames.ReferTo, ParseNameAddress);

    public NameAddress? ReferredBy => Headers.GetParsed(SipHeaderNames.ReferredBy, ParseNameAddress);

    public ReplacesHeader? Replaces => Headers.GetParsed(SipHeaderNames.Replaces, ReplacesHeader.Parse);

    public EventHeader? Event => Headers.GetParsed(SipHeaderNames.Event, EventHeader.Parse);

    /// <summary>The methods of Allow (RFC 3261 §20.5), as written.</summary>
    public IReadOnlyList<string> Allow => Headers.GetParsedList(SipHeaderNames.Allow, ParseToken);

    public IReadOnlyList<string> Supported => Headers.GetParsedList(SipHeaderNames.Supported, ParseToken);

    public IReadOnlyList<string> Require => Headers.GetParsedList(SipHeaderNames.Require, ParseToken);

    public IReadOnlyList<string> ProxyRequire => Headers.GetParsedList(SipHeaderNames.ProxyRequire, ParseToken);

    public IReadOnlyList<string> Unsupported => Headers.GetParsedList(SipHeaderNames.Unsupported, ParseToken);

    /// <summary>
    /// The problems the parser tolerates but a receiver should answer with 400 (RFC 3261 §8.1.1, §8.2.2,
    /// §20; RFC 4475 §3.3.1, §3.3.8, §3.3.9): a missing mandatory header, several instances of a header that
    /// may appear once, or conflicting Content-Length values. Returns null when there is none.
    /// Max-Forwards may be absent (RFC 2543 requests, RFC 4475 §3.4) and is not checked.
    /// </summary>
    public SipParseError? Validate()
    {
        foreach (string name in (ReadOnlySpan<string>)[SipHeaderNames.CallId, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CSeq, SipHeaderNames.Via])
        {
            if (!Headers.Contains(name))
            {
                return SipParseError.BadRequest("Missing " + name);
            }
        }

        foreach (string name in (ReadOnlySpan<string>)[SipHeaderNames.CallId, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CSeq, SipHeaderNames.MaxForwards])
        {
            if (Headers.CountOf(name) > 1)
            {
                return SipParseError.BadRequest($"Multiple {name} headers");
            }
        }

        // Almost every message has one Content-Length: only several are compared (leading zeros aside).
        if (Headers.CountOf(SipHeaderNames.ContentLength) > 1)
        {
            IReadOnlyList<string> lengths = Headers.GetAll(SipHeaderNames.ContentLength);
            string first = lengths[0].TrimStart('0');
            for (int i = 1; i < lengths.Count; i++)
            {
                if (lengths[i].TrimStart('0') != first)
                {
                    return SipParseError.BadRequest("Conflicting Content-Length values");
                }
            }
        }

        return null;
    }

    /// <summary>Bytes needed by <see cref="TryWriteTo"/>.</summary>
    public int GetWireLength() => SipMessageWriter.GetLength(this);

    /// <summary>
    /// Writes the canonical wire form (RFC 3261 §7): CRLF line ends, long header names, folded values unfolded,
    /// and one Content-Length computed from <see cref="Body"/> (where the first one stood, else last).
    /// </summary>
    public bool TryWriteTo(Span<byte> destination, out int written)
    {
        int length = GetWireLength();
        if (destination.Length < length)
        {
            written = 0;
            return false;
        }

        written = SipMessageWriter.Write(this, destination);
        return true;
    }

    public byte[] ToBytes()
    {
        byte[] bytes = new byte[GetWireLength()];
        SipMessageWriter.Write(this, bytes);
        return bytes;
    }

    /// <summary>The wire form as text (the body decoded as UTF-8), for logs and tests.</summary>
    public override string ToString() => Encoding.UTF8.GetString(ToBytes());

    internal abstract int GetStartLineLength();

    internal abstract int WriteStartLine(Span<byte> destination);
}

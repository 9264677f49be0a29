using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Sip.Calls;

/// <summary>
/// The SDP origin (<c>o=</c>, RFC 4566 §5.2) this service presents on one call leg. A B2BUA relays each party's
/// SDP to the other leg, but that leg must keep seeing one session: the same username, session id and address
/// throughout, and a version that goes up by exactly one whenever a changed description is sent and stays put
/// when an unchanged one is sent again (RFC 3264 §8, §5). Otherwise a re-INVITE after a transfer, carrying
/// another party's origin, looks like a new session, and phones reset or refuse it. Thread-safe.
/// </summary>
public sealed class SdpOrigin
{
    private readonly Lock _gate = new();
    private string? _lastSource;
    private ulong _version;
    private bool _used;

    public SdpOrigin(string username, ulong sessionId, ulong initialVersion, string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (username.Any(char.IsWhiteSpace) || address.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("The username and address of an SDP origin are single tokens.");
        }

        Username = username;
        SessionId = sessionId;
        _version = initialVersion;
        Address = address.Trim('[', ']');
    }

    public string Username { get; }

    public ulong SessionId { get; }

    /// <summary>The unicast address in the origin; an IPv6 one makes the address type <c>IP6</c>.</summary>
    public string Address { get; }

    /// <summary>The version the last description went out with (the initial one before any).</summary>
    public ulong Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>A new origin for a leg: username <c>-</c> (RFC 4566 §5.2), a random session id and version, our address.</summary>
    public static SdpOrigin Create(string address)
    {
        ulong id = (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue) * 1000;
        return new SdpOrigin("-", id, id, address);
    }

    /// <summary>
    /// Rewrites the <c>o=</c> line of <paramref name="sdp"/> to this origin. The version goes up by one when the
    /// description (its other lines, or the origin it came with) differs from the last one rewritten here, so a
    /// new offer gets a new version and a repeated one (a 183 and then the 200 with the same answer, a session
    /// refresh) does not. A body without an <c>o=</c> line is returned unchanged.
    /// </summary>
    public string Apply(string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        int start = FindOriginLine(sdp);
        if (start < 0)
        {
            return sdp;
        }

        int end = sdp.IndexOf('\n', start);
        int lineEnd = end < 0 ? sdp.Length : (end > start && sdp[end - 1] == '\r' ? end - 1 : end);
        ulong version;
        lock (_gate)
        {
            if (_used && !string.Equals(sdp, _lastSource, StringComparison.Ordinal))
            {
                _version++;
            }

            _used = true;
            _lastSource = sdp;
            version = _version;
        }

        string addressType = Address.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4";
        string origin = string.Create(CultureInfo.InvariantCulture, $"o={Username} {SessionId} {version} IN {addressType} {Address}");
        return string.Concat(sdp.AsSpan(0, start), origin, sdp.AsSpan(lineEnd));
    }

    /// <summary>Rewrites an SDP body held as bytes (UTF-8, RFC 4566 §5).</summary>
    public ReadOnlyMemory<byte> Apply(ReadOnlyMemory<byte> sdp) =>
        sdp.IsEmpty ? sdp : Encoding.UTF8.GetBytes(Apply(Encoding.UTF8.GetString(sdp.Span)));

    /// <summary>
    /// Whether two descriptions describe the same session apart from their origin lines (who sent them, and under
    /// which version): the same media, ports, addresses and codecs, line by line, whatever the line endings.
    /// </summary>
    public static bool SameApartFromOrigin(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) =>
        WithoutOrigin(Encoding.UTF8.GetString(first)).SequenceEqual(WithoutOrigin(Encoding.UTF8.GetString(second)), StringComparer.Ordinal);

    private static IEnumerable<string> WithoutOrigin(string sdp) =>
        sdp.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.StartsWith("o=", StringComparison.Ordinal));

    /// <summary>Where the first line starting <c>o=</c> begins; -1 when there is none.</summary>
    private static int FindOriginLine(string sdp)
    {
        for (int i = 0; i < sdp.Length;)
        {
            if (string.CompareOrdinal(sdp, i, "o=", 0, 2) == 0)
            {
                return i;
            }

            int next = sdp.IndexOf('\n', i);
            if (next < 0)
            {
                return -1;
            }

            i = next + 1;
        }

        return -1;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace Portal.Sip.Messages;

/// <summary>
/// A URI as SIP carries it in a Request-URI or a name-addr: <c>Request-URI = SIP-URI / SIPS-URI / absoluteURI</c>
/// (RFC 3261 §25.1). <see cref="SipUri"/> and <see cref="TelUri"/> are understood; any other scheme is kept as an
/// <see cref="OpaqueUri"/> so that an unknown scheme is an application-level answer (416), not a parse error.
/// </summary>
public abstract class AbsoluteUri : IEquatable<AbsoluteUri>
{
    private protected AbsoluteUri()
    {
    }

    /// <summary>The scheme in lower case, e.g. <c>sip</c>, <c>tel</c>.</summary>
    public abstract string Scheme { get; }

    /// <summary>The URI's text, escaped as its grammar requires.</summary>
    public abstract override string ToString();

    public static AbsoluteUri Parse(string text) =>
        TryParse(text, out AbsoluteUri? uri) ? uri : throw new FormatException($"'{text}' is not a valid URI.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out AbsoluteUri? uri)
    {
        uri = null;
        return text is not null && TryParse(text, materialise: true, out uri, out _);
    }

    public virtual bool Equals(AbsoluteUri? other) =>
        other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as AbsoluteUri);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>
    /// Parses or, with <paramref name="materialise"/> false, only validates without allocating.
    /// <paramref name="hasHeaders"/> reports a SIP URI's <c>?headers</c> part, which a Request-URI may not carry.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<char> s, bool materialise, out AbsoluteUri? uri, out bool hasHeaders)
    {
        uri = null;
        hasHeaders = false;
        int colon = SchemeLength(s);
        if (colon <= 0)
        {
            return false;
        }

        ReadOnlySpan<char> scheme = s[..colon];
        if (scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) || scheme.Equals("sips", StringComparison.OrdinalIgnoreCase))
        {
            bool ok = SipUriParser.TryParse(s, materialise, out SipUri? sip, out hasHeaders);
            uri = sip;
            return ok;
        }

        if (scheme.Equals("tel", StringComparison.OrdinalIgnoreCase))
        {
            bool ok = TelUri.TryParse(s[(colon + 1)..], materialise, out TelUri? tel);
            uri = tel;
            return ok;
        }

        ReadOnlySpan<char> rest = s[(colon + 1)..];
        if (rest.IsEmpty || rest.ContainsAnyExcept(SipChars.Uric))
        {
            return false;
        }

        if (materialise)
        {
            uri = new OpaqueUri(new string(scheme).ToLowerInvariant(), new string(rest));
        }

        return true;
    }

    /// <summary>Index of the ':' ending <c>scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )</c>, or -1.</summary>
    private static int SchemeLength(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !SipChars.IsAlpha(s[0]))
        {
            return -1;
        }

        int end = s.IndexOfAnyExcept(SipChars.Scheme);
        return end > 0 && s[end] == ':' ? end : -1;
    }
}

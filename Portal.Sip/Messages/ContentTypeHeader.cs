using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// The Content-Type header (RFC 3261 §20.15): <c>type/subtype *( ;parameter )</c>, e.g.
/// <c>multipart/mixed;boundary=7a9cbec02ceef655</c>. Type and subtype compare case-insensitively.
/// </summary>
public sealed class ContentTypeHeader
{
    public static readonly ContentTypeHeader Sdp = new("application", "sdp");

    public ContentTypeHeader(string type, string subtype, SipParameters? parameters = null)
    {
        if (!SipChars.IsToken(type) || !SipChars.IsToken(subtype))
        {
            throw new ArgumentException($"'{type}/{subtype}' is not a valid media type.");
        }

        Type = type;
        Subtype = subtype;
        Parameters = parameters ?? SipParameters.Empty;
    }

    public string Type { get; }

    public string Subtype { get; }

    /// <summary><c>type/subtype</c> without parameters.</summary>
    public string MediaType => Type + "/" + Subtype;

    public SipParameters Parameters { get; }

    public bool IsSdp => Is("application", "sdp");

    public bool Is(string type, string subtype) =>
        string.Equals(Type, type, StringComparison.OrdinalIgnoreCase) && string.Equals(Subtype, subtype, StringComparison.OrdinalIgnoreCase);

    public static ContentTypeHeader Parse(string text) =>
        TryParse(text, out ContentTypeHeader? value) ? value : throw new FormatException($"'{text}' is not a valid media type.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ContentTypeHeader? value)
    {
        value = null;
        return text is not null && TryParse(SipSyntax.Trim(text), materialise: true, out value);
    }

    public override string ToString()
    {
        StringBuilder sb = new(MediaType);
        Parameters.AppendHeaderForm(sb);
        return sb.ToString();
    }

    internal static bool IsValid(ReadOnlySpan<char> value) => TryParse(value, materialise: false, out _);

    private static bool TryParse(ReadOnlySpan<char> s, bool materialise, out ContentTypeHeader? value)
    {
        value = null;
        int typeLength = s.IsEmpty ? 0 : SipSyntax.TokenLength(s, 0);
        if (typeLength == 0)
        {
            return false;
        }

        int slash = SipSyntax.SkipWhitespace(s, typeLength);
        if (slash == s.Length || s[slash] != '/')
        {
            return false;
        }

        int subtypeStart = SipSyntax.SkipWhitespace(s, slash + 1);
        int subtypeLength = subtypeStart < s.Length ? SipSyntax.TokenLength(s, subtypeStart) : 0;
        if (subtypeLength == 0)
        {
            return false;
        }

        List<SipParameter>? parameters = materialise ? [] : null;
        if (!SipParameters.TryParseHeaderParameters(s, subtypeStart + subtypeLength, parameters))
        {
            return false;
        }

        if (materialise)
        {
            value = new ContentTypeHeader(
                new string(s[..typeLength]),
                new string(s.Slice(subtypeStart, subtypeLength)),
                SipParameters.FromList(parameters));
        }

        return true;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// The value of From, To, Contact, Route, Record-Route, Refer-To and Referred-By:
/// <c>( name-addr / addr-spec ) *( SEMI generic-param )</c> (RFC 3261 §20.10, §25.1). The display name may be a
/// quoted-string or a run of tokens; parameters after the URI are header parameters such as <c>tag</c> or
/// <c>expires</c>, distinct from the URI's own. <see cref="ToString"/> always writes the name-addr form
/// (<c>&lt;uri&gt;</c>), which §20 requires whenever the URI holds ',', ';' or '?'.
/// </summary>
public sealed class NameAddress
{
    private string? _text;

    public NameAddress(AbsoluteUri uri, string? displayName = null, SipParameters? parameters = null)
    {
        Uri = uri ?? throw new ArgumentNullException(nameof(uri));
        DisplayName = displayName;
        Parameters = parameters ?? SipParameters.Empty;
    }

    /// <summary>The display name, unquoted; null when absent.</summary>
    public string? DisplayName { get; }

    public AbsoluteUri Uri { get; }

    /// <summary>The URI when it is a <c>sip:</c> or <c>sips:</c> URI.</summary>
    public SipUri? SipUri => Uri as SipUri;

    /// <summary>Header parameters (after the closing '&gt;').</summary>
    public SipParameters Parameters { get; }

    /// <summary>The <c>tag</c> parameter of From and To (RFC 3261 §19.3).</summary>
    public string? Tag => Parameters.GetValue("tag");

    public static NameAddress Parse(string text) =>
        TryParse(text, out NameAddress? value) ? value : throw new FormatException($"'{text}' is not a valid name-addr or addr-spec.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out NameAddress? value)
    {
        value = null;
        return text is not null && TryParse(SipSyntax.Trim(text), materialise: true, out value);
    }

    public NameAddress WithTag(string tag) => WithParameter("tag", tag);

    public NameAddress WithParameter(string name, string? value) => new(Uri, DisplayName, Parameters.With(name, value));

    public NameAddress WithoutParameter(string name) => new(Uri, DisplayName, Parameters.Without(name));

    public NameAddress WithUri(AbsoluteUri uri) => new(uri, DisplayName, Parameters);

    public NameAddress WithDisplayName(string? displayName) => new(Uri, displayName, Parameters);

    public override string ToString()
    {
        if (_text is null)
        {
            StringBuilder sb = new(64);
            if (DisplayName is not null)
            {
                SipSyntax.AppendQuoted(sb, DisplayName);
                sb.Append(' ');
            }

            sb.Append('<').Append(Uri.ToString()).Append('>');
            Parameters.AppendHeaderForm(sb);
            _text = sb.ToString();
        }

        return _text;
    }

    /// <summary>Parses a trimmed value; with <paramref name="materialise"/> false it validates without allocating.</summary>
    internal static bool TryParse(ReadOnlySpan<char> s, bool materialise, out NameAddress? value)
    {
        value = null;
        if (s.IsEmpty)
        {
            return false;
        }

        string? displayName = null;
        int open = -1;
        if (s[0] == '"')
        {
            int end = SipSyntax.ScanQuotedString(s, 0);
            if (end < 0)
            {
                return false;
            }

            open = SipSyntax.SkipWhitespace(s, end);
            if (open >= s.Length || s[open] != '<')
            {
                return false;
            }

            displayName = materialise ? SipSyntax.Unquote(s[1..(end - 1)]) : null;
        }
        else if (s[0] == '<')
        {
            open = 0;
        }
        else
        {
            // display-name = *(token LWS): tokens up to a '<' make a name-addr; anything else is an addr-spec.
            int j = 0;
            int lastTokenEnd = 0;
            while (j < s.Length)
            {
                int length = SipSyntax.TokenLength(s, j);
                if (length == 0)
                {
                    break;
                }

                lastTokenEnd = j + length;
                j = SipSyntax.SkipWhitespace(s, lastTokenEnd);
            }

            if (j < s.Length && s[j] == '<')
            {
                open = j;
                displayName = materialise ? new string(s[..lastTokenEnd]) : null;
            }
        }

        ReadOnlySpan<char> uriText;
        int after;
        if (open >= 0)
        {
            int close = s[open..].IndexOf('>');
            if (close < 0)
            {
                return false;
            }

            uriText = s[(open + 1)..(open + close)];
            after = open + close + 1;
        }
        else
        {
            // RFC 3261 §20: a URI holding ',', ';' or '?' must be inside angle brackets, so an addr-spec ends at the
            // first ';' (header parameters follow) and may not contain '?' or ','.
            int end = s.IndexOfAny(';', ' ', '\t');
            uriText = end < 0 ? s : s[..end];
            after = end < 0 ? s.Length : end;
            if (uriText.ContainsAny('?', ','))
            {
                return false;
            }
        }

        if (!AbsoluteUri.TryParse(uriText, materialise, out AbsoluteUri? uri, out _))
        {
            return false;
        }

        List<SipParameter>? parameters = materialise ? [] : null;
        if (!SipParameters.TryParseHeaderParameters(s, after, parameters))
        {
            return false;
        }

        if (materialise)
        {
            value = new NameAddress(uri!, displayName, SipParameters.FromList(parameters));
        }

        return true;
    }
}

using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// The shape shared by credentials and challenges (RFC 3261 §25.1, RFC 2617 §1.2):
/// <c>auth-scheme LWS auth-param *( COMMA auth-param )</c>, <c>auth-param = name EQUAL ( token / quoted-string )</c>.
/// Commas separate parameters here, not header values, so these headers are never split as lists.
/// </summary>
internal static class AuthParameterSyntax
{
    public static bool TryParse(ReadOnlySpan<char> s, bool materialise, out string? scheme, out SipParameters? parameters)
    {
        scheme = null;
        parameters = null;
        int schemeLength = s.IsEmpty ? 0 : SipSyntax.TokenLength(s, 0);
        if (schemeLength == 0)
        {
            return false;
        }

        List<SipParameter>? list = materialise ? [] : null;
        int i = SipSyntax.SkipWhitespace(s, schemeLength);
        if (i == schemeLength && i < s.Length)
        {
            return false;
        }

        while (i < s.Length)
        {
            int nameLength = SipSyntax.TokenLength(s, i);
            if (nameLength == 0)
            {
                return false;
            }

            ReadOnlySpan<char> name = s.Slice(i, nameLength);
            i = SipSyntax.SkipWhitespace(s, i + nameLength);
            if (i == s.Length || s[i] != '=')
            {
                return false;
            }

            i = SipSyntax.SkipWhitespace(s, i + 1);
            if (i == s.Length)
            {
                return false;
            }

            if (s[i] == '"')
            {
                int end = SipSyntax.ScanQuotedString(s, i);
                if (end < 0)
                {
                    return false;
                }

                list?.Add(new SipParameter(new string(name), SipSyntax.Unquote(s[(i + 1)..(end - 1)]), true));
                i = end;
            }
            else
            {
                // Tolerates an unquoted value with non-token characters (some clients send uri=sip:… bare).
                int length = s[i..].IndexOfAny(" \t,\"");
                length = length < 0 ? s.Length - i : length;
                list?.Add(new SipParameter(new string(name), new string(s.Slice(i, length))));
                i += length;
            }

            i = SipSyntax.SkipWhitespace(s, i);
            if (i < s.Length)
            {
                if (s[i] != ',')
                {
                    return false;
                }

                i = SipSyntax.SkipWhitespace(s, i + 1);
            }
        }

        if (materialise)
        {
            scheme = new string(s[..schemeLength]);
            parameters = SipParameters.FromList(list);
        }

        return true;
    }

    public static string Format(string scheme, SipParameters parameters)
    {
        StringBuilder sb = new(256);
        sb.Append(scheme);
        for (int i = 0; i < parameters.Count; i++)
        {
            SipParameter p = parameters[i];
            sb.Append(i == 0 ? " " : ", ").Append(p.Name).Append('=');
            if (p.IsQuoted || p.Value is null || !SipChars.IsToken(p.Value))
            {
                SipSyntax.AppendQuoted(sb, p.Value ?? string.Empty);
            }
            else
            {
                sb.Append(p.Value);
            }
        }

        return sb.ToString();
    }

    /// <summary>Builds parameters from name/value pairs, skipping nulls; names in <paramref name="quoted"/> are quoted-strings.</summary>
    public static SipParameters Build(IEnumerable<(string Name, string? Value)> values, params string[] quoted)
    {
        List<SipParameter> list = [];
        foreach ((string name, string? value) in values)
        {
            if (value is not null)
            {
                list.Add(new SipParameter(name, value, quoted.Contains(name, StringComparer.OrdinalIgnoreCase)));
            }
        }

        return SipParameters.FromList(list);
    }
}

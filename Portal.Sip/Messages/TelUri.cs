using System.Buffers;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// A <c>tel:</c> URI (RFC 3966 §3): a global (<c>+</c>-prefixed) or local number with parameters such as
/// <c>phone-context</c> and <c>ext</c>. Visual separators are kept as written; <see cref="Digits"/> drops them.
/// </summary>
public sealed class TelUri : AbsoluteUri
{
    /// <summary>RFC 3966 phonedigit-hex plus the leading '+': digits, hex digits, '*', '#' and visual separators.</summary>
    private static readonly SearchValues<char> NumberChars = SearchValues.Create("0123456789abcdefABCDEF*#-.()+");

    public TelUri(string number, SipParameters? parameters = null)
    {
        if (number.Length == 0 || number.AsSpan(1).Contains('+') || number.AsSpan().ContainsAnyExcept(NumberChars))
        {
            throw new ArgumentException($"'{number}' is not a valid telephone number.", nameof(number));
        }

        Number = number;
        Parameters = parameters ?? SipParameters.Empty;
    }

    public override string Scheme => "tel";

    /// <summary>The number as written, e.g. <c>+1-201-555-0123</c>.</summary>
    public string Number { get; }

    /// <summary>The number without visual separators (RFC 3966 §5.1.1), e.g. <c>+12015550123</c>.</summary>
    public string Digits => string.Concat(Number.Where(c => c is not ('-' or '.' or '(' or ')')));

    public bool IsGlobal => Number.StartsWith('+');

    public SipParameters Parameters { get; }

    public string? PhoneContext => Parameters.GetValue("phone-context");

    public override string ToString()
    {
        StringBuilder sb = new("tel:");
        sb.Append(Number);
        Parameters.AppendUriForm(sb);
        return sb.ToString();
    }

    /// <summary>Parses the part after <c>tel:</c>.</summary>
    internal static bool TryParse(ReadOnlySpan<char> s, bool materialise, out TelUri? uri)
    {
        uri = null;
        int semi = s.IndexOf(';');
        ReadOnlySpan<char> number = semi < 0 ? s : s[..semi];
        if (number.IsEmpty || number[1..].Contains('+') || number.ContainsAnyExcept(NumberChars))
        {
            return false;
        }

        List<SipParameter>? parameters = materialise ? [] : null;
        while (semi >= 0)
        {
            ReadOnlySpan<char> rest = s[(semi + 1)..];
            int next = rest.IndexOf(';');
            ReadOnlySpan<char> segment = next < 0 ? rest : rest[..next];
            semi = next < 0 ? -1 : semi + 1 + next;
            int eq = segment.IndexOf('=');
            ReadOnlySpan<char> name = eq < 0 ? segment : segment[..eq];
            ReadOnlySpan<char> value = eq < 0 ? default : segment[(eq + 1)..];
            if (name.IsEmpty || !UriEscaping.IsValid(name, SipChars.Param)
                || (eq >= 0 && (value.IsEmpty || !UriEscaping.IsValid(value, SipChars.Param))))
            {
                return false;
            }

            parameters?.Add(new SipParameter(UriEscaping.Unescape(name), eq < 0 ? null : UriEscaping.Unescape(value)));
        }

        if (materialise)
        {
            uri = new TelUri(new string(number), SipParameters.FromList(parameters));
        }

        return true;
    }
}

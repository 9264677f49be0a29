using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Portal.Sip.Messages;

/// <summary>
/// The CSeq header (RFC 3261 §20.16): a sequence number below 2^32 and the request's method, which must be the
/// method of the request line (§8.1.1.5; RFC 4475 §3.1.2.17).
/// </summary>
public sealed record CSeqHeader(uint Number, SipMethod Method)
{
    public static CSeqHeader Parse(string text) =>
        TryParse(text, out CSeqHeader? cseq) ? cseq : throw new FormatException($"'{text}' is not a valid CSeq value.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out CSeqHeader? cseq)
    {
        cseq = null;
        if (text is null || !TryScan(SipSyntax.Trim(text), out uint number, out Range method))
        {
            return false;
        }

        cseq = new CSeqHeader(number, SipMethod.Parse(SipSyntax.Trim(text)[method].ToString()));
        return true;
    }

    public override string ToString() => Number.ToString(CultureInfo.InvariantCulture) + " " + Method.Name;

    /// <summary><c>1*DIGIT LWS Method</c>; the number must fit 32 bits (RFC 4475 §3.1.2.4 scalar02).</summary>
    internal static bool TryScan(ReadOnlySpan<char> s, out uint number, out Range method)
    {
        number = 0;
        method = default;
        int digits = s.IndexOfAnyExcept(SipChars.Digits);
        if (digits <= 0 || !SipSyntax.TryParseUInt32(s[..digits], out number))
        {
            return false;
        }

        int start = SipSyntax.SkipWhitespace(s, digits);
        if (start == digits || start == s.Length)
        {
            return false;
        }

        int length = SipSyntax.TokenLength(s, start);
        if (length == 0 || start + length != s.Length)
        {
            return false;
        }

        method = new Range(start, start + length);
        return true;
    }
}

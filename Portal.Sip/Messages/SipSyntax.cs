using System.Buffers;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>Validates one element of a header value without allocating (used by the parser's eager checks).</summary>
internal delegate bool SpanValidator(ReadOnlySpan<char> value);

/// <summary>
/// The small lexical pieces of RFC 3261 §25.1 shared by every header grammar: whitespace, tokens, quoted strings,
/// comma-separated lists and unsigned numbers. Everything works on spans and allocates only when asked for a string.
/// </summary>
internal static class SipSyntax
{
    private static readonly SearchValues<char> ListSpecials = SearchValues.Create(",\"<>");

    private static readonly SearchValues<char> TokenListChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~, \t");

    public static int SkipWhitespace(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && SipChars.IsWhitespace(s[i]))
        {
            i++;
        }

        return i;
    }

    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> s) => s.Trim(" \t");

    /// <summary>Length of the token starting at <paramref name="i"/> (0 when there is none).</summary>
    public static int TokenLength(ReadOnlySpan<char> s, int i)
    {
        int end = s[i..].IndexOfAnyExcept(SipChars.Token);
        return end < 0 ? s.Length - i : end;
    }

    /// <summary>
    /// Scans a quoted-string (RFC 3261 §25.1) whose opening DQUOTE is at <paramref name="i"/>; returns the index just
    /// after the closing DQUOTE, or -1 when it is unterminated or holds a bare control character.
    /// </summary>
    public static int ScanQuotedString(ReadOnlySpan<char> s, int i)
    {
        for (int j = i + 1; j < s.Length; j++)
        {
            char c = s[j];
            if (c == '\\')
            {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): CR and LF cannot be escaped.
                if (j + 1 >= s.Length || s[j + 1] is '\r' or '\n')
                {
                    return -1;
                }

                j++;
            }
            else if (c == '"')
            {
                return j + 1;
            }
            else if ((c < 0x20 && c != '\t') || c == 0x7F)
            {
                return -1;
            }
        }

        return -1;
    }

    /// <summary>The text of a quoted-string's inside with its quoted-pairs resolved.</summary>
    public static string Unquote(ReadOnlySpan<char> inner)
    {
        if (inner.IndexOf('\\') < 0)
        {
            return new string(inner);
        }

        StringBuilder sb = new(inner.Length);
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
            }

            sb.Append(inner[i]);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Writes <paramref name="value"/> as a quoted-string, escaping '"', '\' and control characters as quoted-pairs;
    /// CR and LF cannot be quoted (RFC 3261 §25.1) and become spaces, so a value can never break a header line.
    /// </summary>
    public static void AppendQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (char c in value)
        {
            if (c is '\r' or '\n')
            {
                sb.Append(' ');
                continue;
            }

            if (c is '"' or '\\' or '\x7F' || (c < 0x20 && c != '\t'))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append('"');
    }

    /// <summary>
    /// Index of the next comma that separates list elements (RFC 3261 §7.3.1): commas inside quoted strings or
    /// angle brackets do not count. Returns <c>s.Length</c> when there is none, -1 on an unterminated quote.
    /// </summary>
    public static int IndexOfListSeparator(ReadOnlySpan<char> s, int start)
    {
        bool inAngle = false;
        int i = start;
        while (i < s.Length)
        {
            int next = s[i..].IndexOfAny(ListSpecials);
            if (next < 0)
            {
                break;
            }

            i += next;
            switch (s[i])
            {
                case '"':
                    i = ScanQuotedString(s, i);
                    if (i < 0)
                    {
                        return -1;
                    }

                    continue;
                case '<':
                    inAngle = true;
                    break;
                case '>':
                    inAngle = false;
                    break;
                default:
                    if (!inAngle)
                    {
                        return i;
                    }

                    break;
            }

            i++;
        }

        return s.Length;
    }

    /// <summary>Checks every comma-separated element with <paramref name="validator"/>; empty elements are invalid.</summary>
    public static bool ValidateList(ReadOnlySpan<char> s, SpanValidator validator, bool allowEmptyList = false)
    {
        if (Trim(s).IsEmpty)
        {
            return allowEmptyList;
        }

        int start = 0;
        while (start <= s.Length)
        {
            int comma = IndexOfListSeparator(s, start);
            if (comma < 0)
            {
                return false;
            }

            ReadOnlySpan<char> element = Trim(s[start..comma]);
            if (element.IsEmpty || !validator(element))
            {
                return false;
            }

            start = comma + 1;
        }

        return true;
    }

    /// <summary>
    /// <c>token *( COMMA token )</c> in one pass (Allow, Supported, Require, …): only token characters, commas and
    /// whitespace, no empty element and no whitespace inside an element.
    /// </summary>
    public static bool ValidateTokenList(ReadOnlySpan<char> s, bool allowEmptyList)
    {
        if (s.ContainsAnyExcept(TokenListChars))
        {
            return false;
        }

        if (Trim(s).IsEmpty)
        {
            return allowEmptyList;
        }

        while (true)
        {
            int comma = s.IndexOf(',');
            ReadOnlySpan<char> element = Trim(comma < 0 ? s : s[..comma]);
            if (element.IsEmpty || element.ContainsAny(' ', '\t'))
            {
                return false;
            }

            if (comma < 0)
            {
                return true;
            }

            s = s[(comma + 1)..];
        }
    }

    /// <summary>Splits a list header value into its trimmed elements.</summary>
    public static List<string> SplitList(string value)
    {
        List<string> result = [];
        ReadOnlySpan<char> s = value;
        int start = 0;
        while (start <= s.Length)
        {
            int comma = IndexOfListSeparator(s, start);
            if (comma < 0)
            {
                comma = s.Length;
            }

            ReadOnlySpan<char> element = Trim(s[start..comma]);
            if (!element.IsEmpty)
            {
                result.Add(element.Length == value.Length ? value : new string(element));
            }

            start = comma + 1;
        }

        return result;
    }

    /// <summary>Parses 1*DIGIT as an unsigned 32-bit number; false on any other character or on overflow.</summary>
    public static bool TryParseUInt32(ReadOnlySpan<char> digits, out uint value)
    {
        value = 0;
        if (digits.IsEmpty)
        {
            return false;
        }

        ulong acc = 0;
        foreach (char c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            acc = (acc * 10) + (uint)(c - '0');
            if (acc > uint.MaxValue)
            {
                return false;
            }
        }

        value = (uint)acc;
        return true;
    }

    /// <summary>True when <paramref name="s"/> is 1*DIGIT, whatever its size (delta-seconds may exceed 2^32-1).</summary>
    public static bool IsDigits(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExcept(SipChars.Digits);
}

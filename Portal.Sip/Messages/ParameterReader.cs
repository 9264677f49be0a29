using System.Buffers;

namespace Portal.Sip.Messages;

/// <summary>
/// Walks <c>*( SEMI generic-param )</c> (RFC 3261 §25.1) over a span without allocating; SEMI and EQUAL allow
/// whitespace on either side. After <see cref="MoveNext"/> returns false, <see cref="Failed"/> tells a syntax
/// error from the end of the list.
/// </summary>
internal ref struct ParameterReader
{
    /// <summary>gen-value = token / host / quoted-string; host adds ':' and brackets for IPv6 references.</summary>
    public static readonly SearchValues<char> GenValue =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~:[]");

    private readonly ReadOnlySpan<char> _s;
    private int _i;

    public ParameterReader(ReadOnlySpan<char> s, int start)
    {
        _s = s;
        _i = start;
    }

    public ReadOnlySpan<char> Name { get; private set; }

    /// <summary>The value as written; for a quoted value, the inside of the quotes with quoted-pairs unresolved.</summary>
    public ReadOnlySpan<char> Value { get; private set; }

    public bool HasValue { get; private set; }

    public bool IsQuoted { get; private set; }

    public bool Failed { get; private set; }

    public bool MoveNext()
    {
        Name = default;
        Value = default;
        HasValue = false;
        IsQuoted = false;
        ReadOnlySpan<char> s = _s;
        int i = SipSyntax.SkipWhitespace(s, _i);
        if (i == s.Length)
        {
            return false;
        }

        if (s[i] != ';')
        {
            return Fail();
        }

        i = SipSyntax.SkipWhitespace(s, i + 1);
        int nameLength = i < s.Length ? SipSyntax.TokenLength(s, i) : 0;
        if (nameLength == 0)
        {
            return Fail();
        }

        Name = s.Slice(i, nameLength);
        i = SipSyntax.SkipWhitespace(s, i + nameLength);
        if (i < s.Length && s[i] == '=')
        {
            i = SipSyntax.SkipWhitespace(s, i + 1);
            if (i == s.Length)
            {
                return Fail();
            }

            HasValue = true;
            if (s[i] == '"')
            {
                int end = SipSyntax.ScanQuotedString(s, i);
                if (end < 0)
                {
                    return Fail();
                }

                IsQuoted = true;
                Value = s[(i + 1)..(end - 1)];
                i = end;
            }
            else
            {
                int length = s[i..].IndexOfAnyExcept(GenValue);
                length = length < 0 ? s.Length - i : length;
                if (length == 0)
                {
                    return Fail();
                }

                Value = s.Slice(i, length);
                i += length;
            }
        }

        _i = i;
        return true;
    }

    /// <summary>The current parameter as an allocated <see cref="SipParameter"/>.</summary>
    public readonly SipParameter ToParameter() =>
        new(new string(Name), HasValue ? (IsQuoted ? SipSyntax.Unquote(Value) : new string(Value)) : null, IsQuoted);

    private bool Fail()
    {
        Failed = true;
        return false;
    }
}

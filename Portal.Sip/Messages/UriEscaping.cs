using System.Buffers;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// %-escaping of URI components (RFC 3261 §19.1.2 and §25.1 <c>escaped</c>). Escaped and unescaped forms are
/// equivalent (§19.1.4), so components are held unescaped and escaped again only where the grammar requires it.
/// </summary>
internal static class UriEscaping
{
    /// <summary>True when every character is in <paramref name="allowed"/> or starts a well-formed <c>%HH</c>.</summary>
    public static bool IsValid(ReadOnlySpan<char> s, SearchValues<char> allowed)
    {
        int i = 0;
        while (i < s.Length)
        {
            int bad = s[i..].IndexOfAnyExcept(allowed);
            if (bad < 0)
            {
                return true;
            }

            i += bad;
            if (s[i] != '%' || i + 2 >= s.Length || !SipChars.IsHex(s[i + 1]) || !SipChars.IsHex(s[i + 2]))
            {
                return false;
            }

            i += 3;
        }

        return true;
    }

    /// <summary>Resolves <c>%HH</c> escapes; the octets are read as UTF-8 (NUL and other controls are kept).</summary>
    public static string Unescape(ReadOnlySpan<char> s)
    {
        int percent = s.IndexOf('%');
        if (percent < 0)
        {
            return new string(s);
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(s.Length));
        try
        {
            int n = 0;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '%' && i + 2 < s.Length && SipChars.IsHex(s[i + 1]) && SipChars.IsHex(s[i + 2]))
                {
                    rented[n++] = (byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2]));
                    i += 2;
                }
                else if (c < 0x80)
                {
                    rented[n++] = (byte)c;
                }
                else
                {
                    n += Encoding.UTF8.GetBytes(s.Slice(i, 1), rented.AsSpan(n));
                }
            }

            return Encoding.UTF8.GetString(rented, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Appends <paramref name="value"/>, %-escaping every UTF-8 octet not in <paramref name="allowed"/>.</summary>
    public static void AppendEscaped(StringBuilder sb, string value, SearchValues<char> allowed)
    {
        if (!value.AsSpan().ContainsAnyExcept(allowed))
        {
            sb.Append(value);
            return;
        }

        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c < 0x80 && allowed.Contains(c))
            {
                sb.Append(c);
                continue;
            }

            int length = char.IsHighSurrogate(c) && i + 1 < value.Length
                ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            for (int b = 0; b < length; b++)
            {
                sb.Append('%').Append(HexDigits[utf8[b] >> 4]).Append(HexDigits[utf8[b] & 0xF]);
            }
        }
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };
}

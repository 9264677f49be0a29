using System.Buffers;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>Turns a header value's wire bytes into text: UTF-8 (RFC 3261 §7.3.1 TEXT-UTF8), unfolded, trimmed.</summary>
internal static class HeaderValueText
{
    /// <summary>
    /// Decodes a value's bytes as UTF-8 into <paramref name="destination"/> (at least as long as the bytes),
    /// replacing each folded line break and its surrounding whitespace by one space (RFC 3261 §7.3.1), and trimming.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> raw, bool folded, Span<char> destination)
    {
        int n = Ascii.ToUtf16(raw, destination, out int written) == OperationStatus.Done
            ? written
            : Encoding.UTF8.GetChars(raw, destination);
        Span<char> chars = destination[..n];
        if (folded)
        {
            int w = 0;
            for (int r = 0; r < chars.Length; r++)
            {
                char c = chars[r];
                if (c is '\r' or '\n')
                {
                    while (w > 0 && SipChars.IsWhitespace(chars[w - 1]))
                    {
                        w--;
                    }

                    while (r + 1 < chars.Length && chars[r + 1] is '\r' or '\n' or ' ' or '\t')
                    {
                        r++;
                    }

                    chars[w++] = ' ';
                }
                else
                {
                    chars[w++] = c;
                }
            }

            chars = chars[..w];
        }

        int start = 0;
        int end = chars.Length;
        while (start < end && SipChars.IsWhitespace(chars[start]))
        {
            start++;
        }

        while (end > start && SipChars.IsWhitespace(chars[end - 1]))
        {
            end--;
        }

        chars[start..end].CopyTo(destination);
        return end - start;
    }

    public static string Decode(ReadOnlySpan<byte> raw, bool folded)
    {
        if (!folded)
        {
            return Encoding.UTF8.GetString(raw);
        }

        char[] buffer = new char[raw.Length];
        int n = Decode(raw, folded, buffer);
        return new string(buffer, 0, n);
    }
}

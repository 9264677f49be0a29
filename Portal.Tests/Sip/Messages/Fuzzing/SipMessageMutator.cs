using System.Text;

namespace Portal.Tests.Sip.Messages.Fuzzing;

/// <summary>
/// Turns well-formed and torture SIP messages into hostile ones, the way a peer on a public address could: flipped
/// and replaced bytes, inserted, deleted and duplicated ranges, lines spliced in from other messages, truncation,
/// repeated headers, CRLF/LF swaps, folding, huge numbers, long runs and non-ASCII bytes (valid UTF-8 or not).
/// Deterministic for a given seed. Shared by the parser fuzz test and <c>bench/Portal.Sip.Fuzz</c>.
/// </summary>
internal sealed class SipMessageMutator(IReadOnlyList<byte[]> seeds, int seed)
{
    private const int MutationKinds = 16;

    private static readonly byte[][] Tokens = [.. new[]
    {
        "\r\n", "\n", "\r", " ", "\t", ";", ",", ":", "<", ">", "\"", "\\", "%", "%00", "%ZZ", "%4", "@", "=", "?", "&",
        "[", "]", "[::1]", "[::ffff:192.0.2.1]", "*", "/", "sip:", "sips:", "tel:", "mailto:", ";tag=", ";branch=z9hG4bK",
        ";lr", ";expires=", ";q=", ";q=1.0001", ";received=", ";rport", ";rport=", ";transport=", ";maddr=", ";ttl=",
        "<sip:a@b>", "\"\\\"", "Digest ", "username=", "nc=", "qop=", "realm=\"", ":5060", ":0", ":65536", ":99999999999",
        "SIP/2.0", "SIP/3.0", "SIP/2.0/UDP ", "\r\nContent-Length: 5", "\r\nl: 99999", "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx",
        "\r\nCSeq: 1 INVITE", "\r\nMax-Forwards: 256", "\r\nContact: *", "\r\nTo: <sip:x@y>;tag=1", "\r\nCall-ID: ",
        "\r\nAuthorization: Digest ", "\r\nEvent: ", "\r\nReplaces: a;to-tag=", "\r\nRefer-To: ", "\r\n ",
    }.Select(Encoding.UTF8.GetBytes)];

    private static readonly byte[][] ValuePieces = [.. new[]
    {
        "\"Display Name\" ", "\"\" ", "\"a\\\"b\" ", "Bob ", "<sip:alice@atlanta.example.com>", "<sips:b@[2001:db8::1]:5061>", "<tel:+1-555>",
        "sip:alice@h", "sip:h", "sip:u:p@h:5060", "sip:%61@h", "sip:h;transport=tcp", "sip:h?Subject=x&Call-ID=y", "<urn:x:y>",
        "SIP/2.0/UDP 192.0.2.1:5060", "SIP/2.0/TCP host", "SIP / 2.0 / UDP h", ";branch=z9hG4bK.1", ";received=192.0.2.9",
        ";rport", ";rport=1", ";ttl=255", ";maddr=224.0.0.1", ";tag=abc", ";expires=60", ";q=0.5", ";lr", ";x", ";x=\"q\"",
        ", ", "*", "Digest ", "Basic ", "username=\"u\"", ", realm=\"r\"", ", nonce=\"n\"", ", uri=\"sip:h\"", ", response=\"0\"",
        ", qop=auth", ", nc=00000001", ", algorithm=SHA-256", ", stale=true", "1 INVITE", "314159 ACK", "70", "application/sdp",
        "multipart/mixed;boundary=x", "text/plain;charset=\"utf-8\"", "refer;id=1", "presence", "id@host", "a;to-tag=1;from-tag=2",
        "INVITE, ACK", "timer", "3600", "\r\n ", "\t",
    }.Select(Encoding.UTF8.GetBytes)];

    private static readonly byte[][] Numbers = [.. new[]
    {
        "0", "-1", "00000000000000000001", "255", "256", "65535", "65536", "2147483647", "2147483648", "4294967295",
        "4294967296", "9223372036854775808", "18446744073709551616", "99999999999999999999999999999999", "1e9", "0x10", "+1", "1.5",
    }.Select(Encoding.ASCII.GetBytes)];

    private static readonly byte[][] NonAscii =
    [
        "é"u8.ToArray(), "日本"u8.ToArray(), "\u202e"u8.ToArray(), "\ufeff"u8.ToArray(), "\uffff"u8.ToArray(), "😀"u8.ToArray(),
        [0xC0, 0x80], [0xFF], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x00], [0x7F], [0x1B],
    ];

    private readonly Random _random = new(seed);

    /// <summary>The next mutant: a seed message with one to four mutations applied.</summary>
    public byte[] Next()
    {
        List<byte> bytes = [.. seeds[_random.Next(seeds.Count)]];
        int edits = _random.Next(1, 5);
        for (int i = 0; i < edits; i++)
        {
            Mutate(bytes, _random.Next(MutationKinds));
        }

        return [.. bytes];
    }

    private void Mutate(List<byte> bytes, int kind)
    {
        if (bytes.Count == 0)
        {
            bytes.AddRange(Pick(Tokens));
            return;
        }

        int at = _random.Next(bytes.Count + 1);
        int within = Math.Min(at, bytes.Count - 1);
        switch (kind)
        {
            case 0:
                bytes[within] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                bytes[within] = _random.Next(2) == 0 ? (byte)_random.Next(256) : Pick(Tokens)[0];
                break;
            case 2:
                bytes.InsertRange(at, Pick(Tokens));
                break;
            case 3:
                bytes.RemoveRange(within, Math.Min(_random.Next(1, 40), bytes.Count - within));
                break;
            case 4:
                DuplicateRange(bytes);
                break;
            case 5:
                SpliceLine(bytes);
                break;
            case 6:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 7:
                DuplicateLine(bytes);
                break;
            case 8:
                SwapLineEnds(bytes);
                break;
            case 9:
                ReplaceNumber(bytes);
                break;
            case 10:
                bytes.InsertRange(at, Pick(NonAscii));
                break;
            case 11:
                Fold(bytes);
                break;
            case 12:
                SwapLines(bytes);
                break;
            case 13:
            case 14:
                RewriteValue(bytes);
                break;
            default:
                // A long run: nesting, separators or one repeated token, to find work that is not linear.
                byte[] unit = Pick(Tokens);
                int times = _random.Next(2) == 0 ? _random.Next(2, 64) : _random.Next(500, 4000);
                bytes.InsertRange(at, Enumerable.Repeat(unit, times).SelectMany(u => u));
                break;
        }
    }

    /// <summary>Keeps a header line's name and writes a value of value-like pieces, so deeper grammar is reached.</summary>
    private void RewriteValue(List<byte> bytes)
    {
        List<(int Start, int Length)> lines = Lines([.. bytes]);
        (int start, int length) = lines[_random.Next(lines.Count)];
        int colon = bytes.FindIndex(start, length, b => b == ':');
        if (colon < 0)
        {
            return;
        }

        int valueEnd = start + length;
        while (valueEnd > colon + 1 && bytes[valueEnd - 1] is (byte)'\r' or (byte)'\n')
        {
            valueEnd--;
        }

        List<byte> value = [(byte)' '];
        for (int pieces = _random.Next(1, 8); pieces > 0; pieces--)
        {
            value.AddRange(_random.Next(3) == 0 ? Pick(Tokens) : Pick(ValuePieces));
        }

        bytes.RemoveRange(colon + 1, valueEnd - colon - 1);
        bytes.InsertRange(colon + 1, value);
    }

    private void DuplicateRange(List<byte> bytes)
    {
        int from = _random.Next(bytes.Count);
        int length = Math.Min(_random.Next(1, 200), bytes.Count - from);
        bytes.InsertRange(_random.Next(bytes.Count + 1), bytes.GetRange(from, length));
    }

    private void SpliceLine(List<byte> bytes)
    {
        byte[] other = seeds[_random.Next(seeds.Count)];
        List<(int Start, int Length)> lines = Lines(other);
        (int start, int length) = lines[_random.Next(lines.Count)];
        List<(int Start, int Length)> own = Lines([.. bytes]);
        (int ownStart, int ownLength) = own[_random.Next(own.Count)];
        if (_random.Next(2) == 0)
        {
            bytes.RemoveRange(ownStart, ownLength);
        }

        bytes.InsertRange(ownStart, other.AsSpan(start, length).ToArray());
    }

    private void DuplicateLine(List<byte> bytes)
    {
        List<(int Start, int Length)> lines = Lines([.. bytes]);
        (int start, int length) = lines[_random.Next(lines.Count)];
        (int target, _) = lines[_random.Next(lines.Count)];
        bytes.InsertRange(target, bytes.GetRange(start, length));
    }

    private void SwapLines(List<byte> bytes)
    {
        List<(int Start, int Length)> lines = Lines([.. bytes]);
        (int Start, int Length) a = lines[_random.Next(lines.Count)];
        (int Start, int Length) b = lines[_random.Next(lines.Count)];
        if (a.Start > b.Start)
        {
            (a, b) = (b, a);
        }

        if (a.Start + a.Length > b.Start)
        {
            return;
        }

        List<byte> second = bytes.GetRange(b.Start, b.Length);
        bytes.RemoveRange(b.Start, b.Length);
        bytes.InsertRange(b.Start, bytes.GetRange(a.Start, a.Length));
        bytes.RemoveRange(a.Start, a.Length);
        bytes.InsertRange(a.Start, second);
    }

    private void SwapLineEnds(List<byte> bytes)
    {
        byte[] current = [.. bytes];
        string text = Encoding.Latin1.GetString(current);
        text = _random.Next(4) switch
        {
            0 => text.Replace("\r\n", "\n", StringComparison.Ordinal),
            1 => ReplaceOne(text, "\r\n", "\n"),
            2 => ReplaceOne(text, "\n", "\r"),
            _ => ReplaceOne(text, "\r\n", "\n\r"),
        };
        bytes.Clear();
        bytes.AddRange(Encoding.Latin1.GetBytes(text));
    }

    private void ReplaceNumber(List<byte> bytes)
    {
        int start = bytes.FindIndex(_random.Next(bytes.Count), b => b is >= (byte)'0' and <= (byte)'9');
        if (start < 0)
        {
            return;
        }

        int end = start;
        while (end < bytes.Count && bytes[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }

        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, Pick(Numbers));
    }

    private void Fold(List<byte> bytes)
    {
        int space = bytes.FindIndex(_random.Next(bytes.Count), b => b == ' ');
        if (space >= 0)
        {
            bytes.InsertRange(space, _random.Next(2) == 0 ? "\r\n"u8.ToArray() : "\r\n\t  "u8.ToArray());
        }
    }

    private string ReplaceOne(string text, string what, string with)
    {
        int from = _random.Next(text.Length);
        int at = text.IndexOf(what, from, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), with, text.AsSpan(at + what.Length));
    }

    private byte[] Pick(byte[][] choices) => choices[_random.Next(choices.Length)];

    /// <summary>Every line with its line end, as (start, length).</summary>
    private static List<(int Start, int Length)> Lines(byte[] bytes)
    {
        List<(int Start, int Length)> lines = [];
        int start = 0;
        while (start < bytes.Length)
        {
            int lineFeed = bytes.AsSpan(start).IndexOf((byte)'\n');
            int end = lineFeed < 0 ? bytes.Length : start + lineFeed + 1;
            lines.Add((start, end - start));
            start = end;
        }

        return lines.Count > 0 ? lines : [(0, 0)];
    }
}

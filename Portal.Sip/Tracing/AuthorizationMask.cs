using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Sip.Tracing;

/// <summary>
/// Masks the credentials in Authorization and Proxy-Authorization headers (RFC 3261 §22, §20.7, §20.28) before a
/// message is kept: a digest <c>response</c> with its nonce is enough to guess the password offline, so it becomes
/// <c>"********"</c>; the other digest parameters (user name, realm, nonce, uri, algorithm) stay, since they are
/// what one looks at when a phone fails to authenticate. Other schemes lose their whole value after the scheme.
/// </summary>
public static partial class AuthorizationMask
{
    public const string Masked = "********";

    private static readonly SearchValues<string> HeaderName = SearchValues.Create(["authorization"], StringComparison.OrdinalIgnoreCase);

    /// <summary>The bytes with credentials masked; the same array when there is nothing to mask.</summary>
    public static byte[] Apply(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!MayHoldCredentials(message))
        {
            return message;
        }

        // Latin-1 maps every byte to one char and back, so bytes outside the headers come back unchanged.
        string text = Encoding.Latin1.GetString(message);
        int headerEnd = HeaderEnd(text);
        string headers = text[..headerEnd];
        string masked = CredentialsHeader().Replace(headers, MaskHeader);
        return ReferenceEquals(masked, headers) || masked == headers
            ? message
            : Encoding.Latin1.GetBytes(masked + text[headerEnd..]);
    }

    /// <summary>
    /// Whether the name appears at all: most messages of a call carry no credentials, and this look costs no
    /// allocation where the masking below builds strings of the whole message.
    /// </summary>
    private static bool MayHoldCredentials(byte[] message)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(message.Length);
        try
        {
            int count = Encoding.Latin1.GetChars(message, chars);
            return chars.AsSpan(0, count).IndexOfAny(HeaderName) >= 0;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static string MaskHeader(Match header)
    {
        string value = header.Groups["value"].Value;
        Match scheme = Scheme().Match(value);
        string rest = value[scheme.Length..];
        string maskedRest = scheme.Groups["scheme"].Value.Equals("Digest", StringComparison.OrdinalIgnoreCase)
            ? DigestResponse().Replace(rest, m => m.Groups["name"].Value + "\"" + Masked + "\"")
            : (rest.Trim().Length == 0 ? rest : " " + Masked);
        return header.Groups["name"].Value + scheme.Value + maskedRest;
    }

    private static int HeaderEnd(string text)
    {
        int crlf = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        int lf = text.IndexOf("\n\n", StringComparison.Ordinal);
        return (crlf, lf) switch
        {
            (< 0, < 0) => text.Length,
            (< 0, _) => lf,
            (_, < 0) => crlf,
            _ => Math.Min(crlf, lf),
        };
    }

    /// <summary>A whole Authorization or Proxy-Authorization header line, with any folded continuation lines.</summary>
    [GeneratedRegex(@"^(?<name>(?:Proxy-)?Authorization[ \t]*:)(?<value>(?:[^\r\n]|\r?\n[ \t])*)", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex CredentialsHeader();

    [GeneratedRegex(@"^\s*(?<scheme>[^\s,]+)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Scheme();

    /// <summary>The digest <c>response</c> parameter, quoted (as RFC 3261 §25.1 has it) or, leniently, a token.</summary>
    [GeneratedRegex(@"(?<name>(?<![\w-])response\s*=\s*)(?:""(?:[^""\\]|\\.)*""|[^\s,]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex DigestResponse();
}

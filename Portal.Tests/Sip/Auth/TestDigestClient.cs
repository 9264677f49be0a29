using System.Security.Cryptography;
using System.Text;

namespace Portal.Tests.Sip.Auth;

/// <summary>A test-side digest client written straight from RFC 2617 §3.2.2, independent of the service's code.</summary>
internal static class TestDigestClient
{
    public static string Response(string algorithm, string user, string realm, string password, string method, string uri,
        string nonce, string? qop = "auth", string nc = "00000001", string cnonce = "0a4f113b")
    {
        var ha1 = H(algorithm, $"{user}:{realm}:{password}");
        var ha2 = H(algorithm, $"{method}:{uri}");
        return qop is null ? H(algorithm, $"{ha1}:{nonce}:{ha2}") : H(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }

    public static string Header(string algorithm, string user, string realm, string password, string method, string uri,
        string nonce, string? qop = "auth", string nc = "00000001", string cnonce = "0a4f113b")
    {
        var response = Response(algorithm, user, realm, password, method, uri, nonce, qop, nc, cnonce);
        var qopPart = qop is null ? "" : $", qop={qop}, nc={nc}, cnonce=\"{cnonce}\"";
        return $"Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm={algorithm}{qopPart}";
    }

    private static string H(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Convert.ToHexStringLower(algorithm == "SHA-256" ? SHA256.HashData(bytes) : MD5.HashData(bytes));
    }
}

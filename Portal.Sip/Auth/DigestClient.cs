using System.Globalization;
using System.Security.Cryptography;
using Portal.Sip.Messages;

namespace Portal.Sip.Auth;

/// <summary>
/// The client side of digest authentication (RFC 3261 §22.2, RFC 2617 §3.2.2, RFC 8760): answers a provider's
/// 401/407 with credentials. Picks the strongest algorithm offered that it supports, and <c>qop=auth</c> when
/// offered.
/// </summary>
public static class DigestClient
{
    /// <summary>
    /// The Authorization (401) or Proxy-Authorization (407) header value answering <paramref name="challenge"/>,
    /// or null when it offers nothing this client can answer.
    /// </summary>
    public static string? Answer(SipResponse challenge, SipRequest request, string username, string password, uint nonceCount = 1)
    {
        var offered = challenge.StatusCode == SipStatusCodes.ProxyAuthenticationRequired ? challenge.ProxyAuthenticate : challenge.WwwAuthenticate;
        var choice = offered.Where(c => c.IsDigest && c.Realm is not null && c.Nonce is not null)
            .Select(c => (Challenge: c, Algorithm: Parse(c.Algorithm)))
            .Where(c => c.Algorithm is not null)
            .OrderByDescending(c => c.Algorithm == DigestAlgorithm.Sha256)
            .FirstOrDefault();
        if (choice.Challenge is null)
        {
            return null;
        }

        var algorithm = choice.Algorithm!.Value;
        var header = choice.Challenge;
        var uri = request.Uri.ToString();
        var ha1 = DigestHash.Ha1(algorithm, username, header.Realm!, password);
        var ha2 = DigestHash.Hex(algorithm, $"{request.Method.Name}:{uri}");
        var useQop = header.QopOptions.Contains("auth");
        var nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
        var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var response = useQop
            ? DigestHash.Hex(algorithm, $"{ha1}:{header.Nonce}:{nc}:{cnonce}:auth:{ha2}")
            : DigestHash.Hex(algorithm, $"{ha1}:{header.Nonce}:{ha2}");
        return AuthorizationHeader.CreateDigest(username, header.Realm!, header.Nonce!, uri, response,
            algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5",
            useQop ? cnonce : null, useQop ? "auth" : null, useQop ? nc : null, header.Opaque).ToString();
    }

    private static DigestAlgorithm? Parse(string algorithm) => algorithm.ToUpperInvariant() switch
    {
        "MD5" => DigestAlgorithm.Md5,
        "SHA-256" => DigestAlgorithm.Sha256,
        _ => null,
    };
}

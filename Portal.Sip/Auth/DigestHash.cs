using System.Security.Cryptography;
using System.Text;

namespace Portal.Sip.Auth;

/// <summary>The hex digests of RFC 2617 §3.2.2 as used by SIP (RFC 3261 §22.4, RFC 8760 §2.5).</summary>
public static class DigestHash
{
    /// <summary>HA1 = H(username ":" realm ":" password): what the service stores instead of a password.</summary>
    public static string Ha1(DigestAlgorithm algorithm, string username, string realm, string password) =>
        Hex(algorithm, $"{username}:{realm}:{password}");

    /// <summary>Lower-case hex of the algorithm's hash over the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Hex(DigestAlgorithm algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = algorithm switch
        {
            DigestAlgorithm.Md5 => MD5.HashData(bytes),
            DigestAlgorithm.Sha256 => SHA256.HashData(bytes),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
        };
        return Convert.ToHexStringLower(hash);
    }
}

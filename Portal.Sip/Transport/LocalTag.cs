using System.Security.Cryptography;

namespace Portal.Sip.Transport;

/// <summary>
/// Random tokens for tags and branches: at least 32 bits of randomness (RFC 3261 §19.3), here 64, written as
/// lower-case hex so they are tokens.
/// </summary>
internal static class LocalTag
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}

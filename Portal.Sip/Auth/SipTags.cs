using System.Security.Cryptography;

namespace Portal.Sip.Auth;

/// <summary>Random tokens for tags and Call-IDs (RFC 3261 §19.3: at least 32 bits of randomness).</summary>
public static class SipTags
{
    public static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}

namespace Portal.Sip.Auth;

/// <summary>Digest hash algorithms the service offers (RFC 3261 §22.4, RFC 8760).</summary>
public enum DigestAlgorithm
{
    Md5,
    Sha256,
}

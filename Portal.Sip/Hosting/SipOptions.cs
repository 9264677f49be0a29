namespace Portal.Sip.Hosting;

/// <summary>The <c>Sip</c> configuration section (DESIGN §8).</summary>
public sealed class SipOptions
{
    public const string SectionName = "Sip";

    /// <summary>Comma-separated <c>transport:address:port</c> entries.</summary>
    public string Listen { get; set; } = "udp:0.0.0.0:5060,tcp:0.0.0.0:5060";

    /// <summary>Comma-separated domains the service hosts; the listen addresses always count too.</summary>
    public string Domains { get; set; } = "localhost";

    /// <summary>Digest realm; defaults to the first hosted domain. Stored HA1 hashes are bound to it.</summary>
    public string? Realm { get; set; }

    /// <summary>Address written into Via and Contact when the service sits behind NAT.</summary>
    public string? PublicAddress { get; set; }

    /// <summary>
    /// Digest algorithms offered in challenges, in order (RFC 8760): <c>MD5</c>, <c>SHA-256</c>, or both. Some
    /// deployed clients give up when any challenge names an algorithm they lack, so an operator can narrow it.
    /// </summary>
    public string DigestAlgorithms { get; set; } = "MD5,SHA-256";

    /// <summary>
    /// User-Agent prefixes (comma-separated, case-insensitive) of clients that fail on any challenge naming an
    /// algorithm they lack, contrary to RFC 8760 §2.4; they are challenged with MD5 only. baresip 1.x is one.
    /// </summary>
    public string Md5OnlyUserAgents { get; set; } = "baresip";

    public IReadOnlyList<string> DomainList =>
        Domains.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string EffectiveRealm =>
        string.IsNullOrWhiteSpace(Realm) ? DomainList.FirstOrDefault() ?? "localhost" : Realm.Trim();
}

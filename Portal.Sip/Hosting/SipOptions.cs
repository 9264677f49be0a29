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

    public IReadOnlyList<string> DomainList =>
        Domains.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string EffectiveRealm =>
        string.IsNullOrWhiteSpace(Realm) ? DomainList.FirstOrDefault() ?? "localhost" : Realm.Trim();
}

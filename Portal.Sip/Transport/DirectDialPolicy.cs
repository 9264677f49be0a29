using System.Net;

namespace Portal.Sip.Transport;

/// <summary>
/// The admin's policy for direct legs — <c>user@host</c> where the host is neither <c>local</c> nor one of the
/// owner's providers (DESIGN §10, <c>Sip:DirectDial</c>): whether they are allowed at all, and the networks they
/// may not reach. The address a name resolves to is what is checked (and what the INVITE goes to), so a name
/// pointing inward is refused too. IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry.
/// </summary>
public sealed class DirectDialPolicy
{
    /// <summary>The status a refused leg fails with (RFC 3261 §21.4.4: understood, and refused).</summary>
    public const int RefusalStatus = 403;

    public const string NetworkRefusal = "Forbidden - direct dialling to this network is not allowed";

    public const string DisabledRefusal = "Forbidden - direct dialling is not allowed";

    /// <summary>
    /// Loopback, RFC 1918, link-local, CGNAT (RFC 6598), multicast, "this network", reserved and broadcast,
    /// the unspecified address and unique-local IPv6 (RFC 4193).
    /// </summary>
    public const string DefaultDeniedNetworks =
        "0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,172.16.0.0/12,192.168.0.0/16,224.0.0.0/4,240.0.0.0/4,"
        + "::/128,::1/128,fc00::/7,fe80::/10,ff00::/8";

    private DirectDialPolicy(bool enabled, IReadOnlyList<IPNetwork> denied)
    {
        Enabled = enabled;
        DeniedNetworks = denied;
    }

    /// <summary>Direct dialling on, the default networks denied.</summary>
    public static DirectDialPolicy Default { get; } = Parse(true, null);

    /// <summary>Direct dialling on, nothing denied (<c>none</c>): for a service on a private network, and tests on loopback.</summary>
    public static DirectDialPolicy AllowAll { get; } = Parse(true, "none");

    public bool Enabled { get; }

    public IReadOnlyList<IPNetwork> DeniedNetworks { get; }

    /// <summary>
    /// Reads <c>Sip:DirectDial:Enabled</c> and <c>Sip:DirectDial:DeniedNetworks</c>: comma-separated CIDRs (a bare
    /// address is one host), <c>none</c> for nothing, <c>default</c> for the default list (so
    /// <c>default,192.0.2.0/24</c> adds to it); blank means the default list.
    /// </summary>
    /// <exception cref="FormatException">An entry is not a network; the message names it and says what to write.</exception>
    public static DirectDialPolicy Parse(bool enabled, string? deniedNetworks)
    {
        string list = string.IsNullOrWhiteSpace(deniedNetworks) ? "default" : deniedNetworks;
        string[] entries = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 1 && entries[0].Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return new DirectDialPolicy(enabled, []);
        }

        List<IPNetwork> networks = [];
        foreach (string entry in entries)
        {
            if (entry.Equals("default", StringComparison.OrdinalIgnoreCase))
            {
                networks.AddRange(DefaultDeniedNetworks.Split(',').Select(n => IPNetwork.Parse(n)));
            }
            else if (IPNetwork.TryParse(entry, out IPNetwork network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out IPAddress? host))
            {
                networks.Add(new IPNetwork(host, host.GetAddressBytes().Length * 8));
            }
            else
            {
                throw new FormatException(
                    $"Sip:DirectDial:DeniedNetworks entry '{entry}' is not a network: write CIDRs separated by commas (e.g. 10.0.0.0/8,fc00::/7), 'default', or 'none'.");
            }
        }

        return new DirectDialPolicy(enabled, networks);
    }

    /// <summary>Null when a direct leg may go to <paramref name="address"/>; otherwise the reason phrase it fails with.</summary>
    public string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!Enabled)
        {
            return DisabledRefusal;
        }

        IPAddress checkedAddress = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return DeniedNetworks.Any(n => n.Contains(checkedAddress)) ? NetworkRefusal : null;
    }

    /// <summary>
    /// What can be told from a host as written, without looking it up: the refusal for an IP literal in a denied
    /// network or for a <c>localhost</c> name (RFC 6761 §6.3: always loopback), or for any host while direct
    /// dialling is off; null when allowed or only a lookup could tell.
    /// </summary>
    public string? RefusalForWrittenHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!Enabled)
        {
            return DisabledRefusal;
        }

        string bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out IPAddress? address))
        {
            return Refusal(address);
        }

        bool loopbackName = bare.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || bare.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        return loopbackName ? Refusal(IPAddress.Loopback) : null;
    }
}

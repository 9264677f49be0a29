using System.Net;
using System.Net.NetworkInformation;

namespace Portal.Sip.Transport;

/// <summary>
/// Which Request-URI hosts are this service (DESIGN §8: the configured domains, and the listen addresses —
/// for a wildcard listen address, every address of this machine — and <c>Sip:PublicAddress</c>, so that a phone
/// registering to the public address of a 1:1 NAT reaches its account).
/// </summary>
public sealed class SipLocalDomains
{
    private readonly HashSet<string> names;
    private readonly HashSet<IPAddress> addresses;

    public SipLocalDomains(IEnumerable<string> domains, IEnumerable<SipEndPoint> listen, string? publicAddress = null)
    {
        names = new HashSet<string>(domains.Select(d => d.Trim().TrimEnd('.')), StringComparer.OrdinalIgnoreCase);
        addresses = [];
        if (PublicHost(publicAddress) is { } host)
        {
            if (IPAddress.TryParse(host, out var publicIp))
            {
                addresses.Add(publicIp);
            }
            else
            {
                names.Add(host);
            }
        }

        foreach (var endPoint in listen)
        {
            var address = endPoint.EndPoint.Address;
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            {
                addresses.UnionWith(MachineAddresses());
            }
            else
            {
                addresses.Add(address);
            }
        }
    }

    public bool IsLocal(string host)
    {
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(bare, out var address) ? addresses.Contains(address) || address.IsIPv4MappedToIPv6 && addresses.Contains(address.MapToIPv4())
            : names.Contains(bare.TrimEnd('.'));
    }

    /// <summary>The host of <c>Sip:PublicAddress</c> (<c>host</c>, <c>host:port</c>, <c>[v6]:port</c> or a bare IPv6 address).</summary>
    private static string? PublicHost(string? publicAddress)
    {
        string text = publicAddress?.Trim() ?? "";
        if (text.Length == 0)
        {
            return null;
        }

        if (IPAddress.TryParse(text, out var bare) && !text.Contains("]:", StringComparison.Ordinal) && text.Count(c => c == ':') != 1)
        {
            return bare.ToString();
        }

        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            return close > 1 ? text[1..close] : null;
        }

        int colon = text.LastIndexOf(':');
        return (colon > 0 ? text[..colon] : text).TrimEnd('.');
    }

    private static IEnumerable<IPAddress> MachineAddresses()
    {
        yield return IPAddress.Loopback;
        yield return IPAddress.IPv6Loopback;
        IEnumerable<IPAddress> found;
        try
        {
            found = NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(u => u.Address)
                .ToList();
        }
        catch (NetworkInformationException)
        {
            found = [];
        }

        foreach (var address in found)
        {
            yield return address;
        }
    }
}

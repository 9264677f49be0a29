using System.Net;
using System.Net.NetworkInformation;

namespace Portal.Sip.Transport;

/// <summary>
/// Which Request-URI hosts are this service (DESIGN §8: the configured domains, and the listen addresses —
/// for a wildcard listen address, every address of this machine).
/// </summary>
public sealed class SipLocalDomains
{
    private readonly HashSet<string> names;
    private readonly HashSet<IPAddress> addresses;

    public SipLocalDomains(IEnumerable<string> domains, IEnumerable<SipEndPoint> listen)
    {
        names = new HashSet<string>(domains.Select(d => d.Trim().TrimEnd('.')), StringComparer.OrdinalIgnoreCase);
        addresses = [];
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

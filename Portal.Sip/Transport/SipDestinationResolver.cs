using System.Net;
using System.Net.Sockets;
using Portal.Sip.Messages;

namespace Portal.Sip.Transport;

/// <summary>
/// Where to send a request for a SIP URI: an IP literal as it is, a host name by an A/AAAA lookup (RFC 3263's
/// NAPTR/SRV steps are not done), port 5060 unless given, TCP when <c>transport=tcp</c>.
/// </summary>
public static class SipDestinationResolver
{
    public static async Task<SipEndPoint?> ResolveAsync(SipUri uri, CancellationToken cancellationToken = default)
    {
        var protocol = string.Equals(uri.Transport, "tcp", StringComparison.OrdinalIgnoreCase) ? SipTransportProtocol.Tcp : SipTransportProtocol.Udp;
        var host = uri.IsIPv6Reference ? uri.Host[1..^1] : uri.Host;
        if (!IPAddress.TryParse(host, out var address))
        {
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
                address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            }
            catch (SocketException)
            {
                return null;
            }
        }

        return address is null ? null : new SipEndPoint(protocol, new IPEndPoint(address, uri.Port ?? 5060));
    }

    /// <summary>The local address this machine would use to reach <paramref name="remote"/> (no packet is sent).</summary>
    public static IPAddress LocalAddressFor(IPAddress remote)
    {
        using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(new IPEndPoint(remote, 9));
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }
}

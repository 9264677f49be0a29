using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

using Portal.Sip.Messages;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;

namespace Portal.Sip.Dialogs;

/// <summary>
/// What this service writes about itself in the requests and responses it originates as a UA: the Via sent-by
/// (RFC 3261 §18.1.1) and the Contact (§8.1.1.8, §12.1.1), for the transport a peer is reached on. The address is
/// <c>Sip:PublicAddress</c> when set (the service sits behind NAT), else the listen address — for a wildcard
/// listen address, the local address the operating system would use towards the peer. The port is the listen
/// port of that transport, unless the public address names one.
/// </summary>
public sealed class SipLocalAddress
{
    private const int MaxRoutesRemembered = 1024;
    private readonly IReadOnlyList<SipEndPoint> _listen;
    private readonly ConcurrentDictionary<IPAddress, IPAddress?> _routes = new();
    private readonly string? _publicHost;
    private readonly int? _publicPort;

    public SipLocalAddress(IReadOnlyList<SipEndPoint> listen, string? publicAddress = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        if (listen.Count == 0)
        {
            throw new ArgumentException("At least one listen end point is needed.", nameof(listen));
        }

        _listen = listen;
        if (!string.IsNullOrWhiteSpace(publicAddress))
        {
            string text = publicAddress.Trim();
            if (IPEndPoint.TryParse(text, out IPEndPoint? withPort) && withPort.Port != 0 && (text.Contains("]:", StringComparison.Ordinal) || text.Count(c => c == ':') == 1))
            {
                _publicHost = Format(withPort.Address);
                _publicPort = withPort.Port;
            }
            else
            {
                _publicHost = IPAddress.TryParse(text, out IPAddress? address) ? Format(address) : text;
            }
        }
    }

    /// <summary>The host (an IPv6 address bracketed) and port advertised to <paramref name="peer"/>.</summary>
    public (string Host, int Port) AdvertisedTo(SipEndPoint peer)
    {
        SipEndPoint listen = ListenFor(peer);
        int port = _publicPort ?? listen.EndPoint.Port;
        if (_publicHost is not null)
        {
            return (_publicHost, port);
        }

        IPAddress address = listen.EndPoint.Address;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            address = SourceTowards(peer.EndPoint) ?? (peer.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback);
        }

        return (Format(address), port);
    }

    /// <summary>A top Via for a new request to <paramref name="peer"/>: a fresh branch, and <c>rport</c> (RFC 3581 §3).</summary>
    public ViaHeader NewVia(SipEndPoint peer)
    {
        (string host, int port) = AdvertisedTo(peer);
        return new ViaHeader(peer.ViaTransport, host, port, SipParameters.Empty.With("branch", SipTransactionLayer.NewBranch()).With("rport", null));
    }

    /// <summary>Our Contact URI towards <paramref name="peer"/>, with <c>transport=tcp</c> over TCP (RFC 3261 §19.1.1).</summary>
    public SipUri ContactFor(SipEndPoint peer, string? user = null)
    {
        (string host, int port) = AdvertisedTo(peer);
        SipUri uri = new(host, user, port);
        return peer.Protocol == SipTransportProtocol.Tcp ? uri.WithParameter("transport", "tcp") : uri;
    }

    /// <summary>The address written in an SDP origin line (RFC 4566 §5.2) towards <paramref name="peer"/>, unbracketed.</summary>
    public string SdpAddressFor(SipEndPoint peer) => AdvertisedTo(peer).Host.Trim('[', ']');

    private SipEndPoint ListenFor(SipEndPoint peer)
    {
        AddressFamily family = peer.EndPoint.AddressFamily;
        foreach (SipEndPoint listen in _listen)
        {
            if (listen.Protocol == peer.Protocol && listen.EndPoint.AddressFamily == family)
            {
                return listen;
            }
        }

        foreach (SipEndPoint listen in _listen)
        {
            if (listen.Protocol == peer.Protocol)
            {
                return listen;
            }
        }

        return _listen[0];
    }

    private IPAddress? SourceTowards(IPEndPoint peer)
    {
        if (_routes.TryGetValue(peer.Address, out IPAddress? known))
        {
            return known;
        }

        if (_routes.Count >= MaxRoutesRemembered)
        {
            _routes.Clear();
        }

        return _routes[peer.Address] = RouteTowards(peer);
    }

    private static IPAddress? RouteTowards(IPEndPoint peer)
    {
        try
        {
            // Connecting a datagram socket sends nothing; it only asks the routing table for the source address.
            using Socket probe = new(peer.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(peer);
            return ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static string Format(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
}

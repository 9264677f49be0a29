using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Portal.Sip.Transport;

/// <summary>
/// A transport and an IP address and port: where a message came from or goes to. Written
/// <c>udp:127.0.0.1:5060</c>, or <c>tcp:[::1]:5060</c> for IPv6 (the form of DESIGN §8 <c>Sip:Listen</c> and of
/// a binding's ReceivedFrom).
/// </summary>
public readonly record struct SipEndPoint(SipTransportProtocol Protocol, IPEndPoint EndPoint)
{
    /// <summary>True for stream transports, where retransmission timers A, E and G do not run (RFC 3261 §17).</summary>
    public bool IsReliable => Protocol != SipTransportProtocol.Udp;

    /// <summary>The transport token as a Via header writes it (RFC 3261 §20.42): <c>UDP</c> or <c>TCP</c>.</summary>
    public string ViaTransport => Protocol == SipTransportProtocol.Udp ? "UDP" : "TCP";

    public static SipEndPoint Parse(string text) =>
        TryParse(text, out SipEndPoint endPoint)
            ? endPoint
            : throw new FormatException($"'{text}' is not a SIP end point such as udp:127.0.0.1:5060.");

    /// <summary>Parses <c>transport:address:port</c>; the transport is case-insensitive, an IPv6 address bracketed.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out SipEndPoint endPoint)
    {
        endPoint = default;
        if (text is null)
        {
            return false;
        }

        ReadOnlySpan<char> s = text.AsSpan().Trim();
        int colon = s.IndexOf(':');
        if (colon <= 0 || !TryParseProtocol(s[..colon], out SipTransportProtocol protocol))
        {
            return false;
        }

        ReadOnlySpan<char> address = s[(colon + 1)..];

        // IPEndPoint.TryParse accepts a bare IPv6 address and reads its last group as the port; demand brackets.
        bool bracketed = address.StartsWith('[');
        if (address.IndexOf(':') < 0 || (!bracketed && address.Count(':') > 1))
        {
            return false;
        }

        if (!IPEndPoint.TryParse(address, out IPEndPoint? ip) || (bracketed && !address.Contains("]:", StringComparison.Ordinal)))
        {
            return false;
        }

        endPoint = new SipEndPoint(protocol, ip);
        return true;
    }

    public override string ToString() => (Protocol == SipTransportProtocol.Udp ? "udp:" : "tcp:") + EndPoint;

    private static bool TryParseProtocol(ReadOnlySpan<char> token, out SipTransportProtocol protocol)
    {
        if (token.Equals("udp", StringComparison.OrdinalIgnoreCase))
        {
            protocol = SipTransportProtocol.Udp;
            return true;
        }

        protocol = SipTransportProtocol.Tcp;
        return token.Equals("tcp", StringComparison.OrdinalIgnoreCase);
    }
}

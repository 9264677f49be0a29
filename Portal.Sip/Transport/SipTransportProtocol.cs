namespace Portal.Sip.Transport;

/// <summary>The transports the service speaks (RFC 3261 §18): UDP, and TCP framed by Content-Length.</summary>
public enum SipTransportProtocol
{
    Udp,
    Tcp,
}

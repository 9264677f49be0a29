namespace Portal.Sip.Transport;

/// <summary>Limits of <see cref="SipTransport"/> (DESIGN §10: every bound has a setting and a default).</summary>
public sealed class SipTransportOptions
{
    /// <summary>
    /// The largest message accepted on a stream (DESIGN §5: 64 KiB). A larger TCP frame is answered with 513
    /// Message Too Large when it is a request that can be answered, and its connection is closed.
    /// </summary>
    public int MaxMessageSize { get; set; } = 65536;

    /// <summary>
    /// A TCP connection that neither sent nor received anything for this long is closed. Longer than the longest
    /// registration (3600 s), so a phone that re-registers over its connection keeps it; a phone that only sends
    /// CRLF keep-alives (RFC 5626 §3.5.1) keeps it too, since a keep-alive is traffic.
    /// </summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromSeconds(3900);

    /// <summary>How long opening a TCP connection to a peer may take before the send fails.</summary>
    public TimeSpan TcpConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Accepted TCP connections one source address may hold open; the next is closed at once.</summary>
    public int MaxTcpConnectionsPerAddress { get; set; } = 32;

    /// <summary>Accepted TCP connections open at once, from all addresses; the next is closed at once.</summary>
    public int MaxTcpConnections { get; set; } = 10_000;
}

namespace Portal.Sip.Transport;

/// <summary>Limits of <see cref="SipTransport"/>.</summary>
public sealed class SipTransportOptions
{
    /// <summary>
    /// The largest message accepted on a stream (DESIGN §5: 64 KiB). A larger TCP frame is answered with 513
    /// Message Too Large when it is a request that can be answered, and its connection is closed.
    /// </summary>
    public int MaxMessageSize { get; set; } = 65536;

    /// <summary>A TCP connection that neither sent nor received anything for this long is closed.</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long opening a TCP connection to a peer may take before the send fails.</summary>
    public TimeSpan TcpConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

using Portal.Sip.Transport;

namespace Portal.Sip.Hosting;

/// <summary>The <c>Sip:Tcp</c> configuration section: what TCP peers may make the service hold (DESIGN §10).</summary>
public sealed class SipTcpOptions
{
    /// <summary>Connections one source address may hold open; the next is closed at once and the refusal logged.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 32;

    /// <summary>Accepted connections open at once, from all addresses.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Seconds without traffic (CRLF keep-alives count) before a connection is closed; longer than the longest
    /// registration (3600 s) so a phone that registers over TCP keeps its connection between registrations.
    /// </summary>
    public int IdleTimeoutSeconds { get; set; } = 3900;

    /// <summary>The transport's limits from these settings, each kept at 1 or more.</summary>
    public SipTransportOptions TransportOptions => new()
    {
        MaxTcpConnectionsPerAddress = Math.Max(1, MaxConnectionsPerAddress),
        MaxTcpConnections = Math.Max(1, MaxConnections),
        TcpIdleTimeout = TimeSpan.FromSeconds(Math.Max(1, IdleTimeoutSeconds)),
    };
}

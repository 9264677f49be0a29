using Microsoft.Extensions.Configuration;

using Portal.Sip.Hosting;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Hosting;

public sealed class SipTcpOptionsTests
{
    [Fact]
    public void TransportOptions_NothingConfigured_DefaultsASmallOperatorNeverTouches()
    {
        SipTransportOptions options = Bind([]).Tcp.TransportOptions;

        Assert.Equal(32, options.MaxTcpConnectionsPerAddress);
        Assert.Equal(10_000, options.MaxTcpConnections);
        Assert.Equal(TimeSpan.FromSeconds(3900), options.TcpIdleTimeout);
    }

    [Fact]
    public void TransportOptions_SipTcpSection_BoundAndKeptAtOneOrMore()
    {
        SipTransportOptions options = Bind(new()
        {
            ["Sip:Tcp:MaxConnectionsPerAddress"] = "4",
            ["Sip:Tcp:MaxConnections"] = "0",
            ["Sip:Tcp:IdleTimeoutSeconds"] = "7200",
        }).Tcp.TransportOptions;

        Assert.Equal(4, options.MaxTcpConnectionsPerAddress);
        Assert.Equal(1, options.MaxTcpConnections);
        Assert.Equal(TimeSpan.FromHours(2), options.TcpIdleTimeout);
    }

    private static SipOptions Bind(Dictionary<string, string?> settings)
    {
        SipOptions options = new();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(SipOptions.SectionName).Bind(options);
        return options;
    }
}

using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transport;

/// <summary>Which Request-URI hosts are this service: the domains, the listen addresses and <c>Sip:PublicAddress</c>.</summary>
public sealed class SipLocalDomainsTests
{
    private static readonly SipEndPoint[] Listen = [SipEndPoint.Parse("udp:10.0.0.5:5060"), SipEndPoint.Parse("tcp:10.0.0.5:5060")];

    [Theory]
    [InlineData("203.0.113.5")]
    [InlineData("203.0.113.5:5070")]
    public void IsLocal_ThePublicAddressBehind1To1Nat_IsHosted_WithOrWithoutItsPort(string publicAddress)
    {
        var domains = new SipLocalDomains(["sip.example.test"], Listen, publicAddress);

        Assert.True(domains.IsLocal("203.0.113.5"));
        Assert.True(domains.IsLocal("10.0.0.5"));
        Assert.True(domains.IsLocal("sip.example.test"));
        Assert.False(domains.IsLocal("203.0.113.6"));
    }

    [Fact]
    public void IsLocal_APublicNameOrIPv6Address_IsHosted()
    {
        Assert.True(new SipLocalDomains([], Listen, "pbx.example.net").IsLocal("pbx.example.net"));
        Assert.True(new SipLocalDomains([], Listen, "[2001:db8::5]:5060").IsLocal("[2001:db8::5]"));
        Assert.True(new SipLocalDomains([], Listen, "2001:db8::5").IsLocal("[2001:db8::5]"));
    }

    [Fact]
    public void IsLocal_WithoutAPublicAddress_OnlyDomainsAndListenAddresses()
    {
        var domains = new SipLocalDomains(["sip.example.test"], Listen);

        Assert.False(domains.IsLocal("203.0.113.5"));
        Assert.True(domains.IsLocal("10.0.0.5"));
    }
}

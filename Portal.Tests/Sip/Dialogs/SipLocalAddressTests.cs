using Portal.Sip.Dialogs;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Dialogs;

public sealed class SipLocalAddressTests
{
    private static readonly SipEndPoint[] Listen = [SipEndPoint.Parse("udp:192.0.2.1:5060"), SipEndPoint.Parse("tcp:192.0.2.1:5061")];

    [Fact]
    public void ContactFor_NoPublicAddress_UsesTheListenAddressOfThePeersTransport()
    {
        var addresses = new SipLocalAddress(Listen);

        Assert.Equal("sip:192.0.2.1:5060", addresses.ContactFor(SipEndPoint.Parse("udp:198.51.100.7:5060")).ToString());
        Assert.Equal("sip:192.0.2.1:5061;transport=tcp", addresses.ContactFor(SipEndPoint.Parse("tcp:198.51.100.7:40000")).ToString());
    }

    [Fact]
    public void NewVia_PublicAddressSet_AdvertisesItWithAFreshBranchAndRport()
    {
        var addresses = new SipLocalAddress(Listen, "203.0.113.5");

        var first = addresses.NewVia(SipEndPoint.Parse("udp:198.51.100.7:5060"));
        var second = addresses.NewVia(SipEndPoint.Parse("udp:198.51.100.7:5060"));

        Assert.Equal(("UDP", "203.0.113.5", 5060), (first.Transport, first.Host, first.Port));
        Assert.True(first.HasRfc3261Branch);
        Assert.True(first.HasRport);
        Assert.NotEqual(first.Branch, second.Branch);
        Assert.Equal("203.0.113.5", addresses.SdpAddressFor(SipEndPoint.Parse("udp:198.51.100.7:5060")));
    }

    [Fact]
    public void ContactFor_PublicAddressWithPort_UsesThatPort()
    {
        var addresses = new SipLocalAddress(Listen, "203.0.113.5:15060");
        Assert.Equal("sip:alice@203.0.113.5:15060", addresses.ContactFor(SipEndPoint.Parse("udp:198.51.100.7:5060"), "alice").ToString());
    }

    [Fact]
    public void AdvertisedTo_WildcardListenAddress_UsesTheAddressTowardsThePeer()
    {
        var addresses = new SipLocalAddress([SipEndPoint.Parse("udp:0.0.0.0:5060")]);
        Assert.Equal(("127.0.0.1", 5060), addresses.AdvertisedTo(SipEndPoint.Parse("udp:127.0.0.1:5080")));
    }
}

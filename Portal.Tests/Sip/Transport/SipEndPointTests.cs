using System.Net;

using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transport;

public sealed class SipEndPointTests
{
    [Theory]
    [InlineData("udp:127.0.0.1:5060", SipTransportProtocol.Udp, "127.0.0.1", 5060)]
    [InlineData("TCP:0.0.0.0:5070", SipTransportProtocol.Tcp, "0.0.0.0", 5070)]
    [InlineData("udp:[::1]:5060", SipTransportProtocol.Udp, "::1", 5060)]
    public void TryParse_ListenEntry_GivesTransportAddressAndPort(string text, SipTransportProtocol protocol, string address, int port)
    {
        Assert.True(SipEndPoint.TryParse(text, out SipEndPoint endPoint));

        Assert.Equal(new SipEndPoint(protocol, new IPEndPoint(IPAddress.Parse(address), port)), endPoint);
    }

    [Theory]
    [InlineData("udp:127.0.0.1")]
    [InlineData("sctp:127.0.0.1:5060")]
    [InlineData("udp:::1:5060")]
    [InlineData("udp:[::1]")]
    [InlineData("127.0.0.1:5060")]
    [InlineData("")]
    public void TryParse_Malformed_Fails(string text)
    {
        Assert.False(SipEndPoint.TryParse(text, out _));
    }

    [Theory]
    [InlineData("udp:127.0.0.1:5060")]
    [InlineData("tcp:[::1]:5061")]
    public void ToString_Parsed_WritesTheSameText(string text)
    {
        Assert.Equal(text, SipEndPoint.Parse(text).ToString());
    }
}

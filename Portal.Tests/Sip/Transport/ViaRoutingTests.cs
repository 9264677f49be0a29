using System.Net;

using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transport;

public sealed class ViaRoutingTests
{
    private static readonly IPEndPoint Source = IPEndPoint.Parse("203.0.113.7:40123");

    [Theory]
    [InlineData("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;rport", "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;rport=40123;received=203.0.113.7")]
    [InlineData("SIP/2.0/UDP 203.0.113.7:40123;branch=z9hG4bK1;rport", "SIP/2.0/UDP 203.0.113.7:40123;branch=z9hG4bK1;rport=40123;received=203.0.113.7")]
    [InlineData("SIP/2.0/UDP phone.example.com;branch=z9hG4bK1", "SIP/2.0/UDP phone.example.com;branch=z9hG4bK1;received=203.0.113.7")]
    [InlineData("SIP/2.0/UDP 203.0.113.7:40123;branch=z9hG4bK1", "SIP/2.0/UDP 203.0.113.7:40123;branch=z9hG4bK1")]
    public void StampSource_TopVia_AddsReceivedAndRportPerRfc3581(string via, string expected)
    {
        SipRequest request = Options(via + ", SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK0");

        ViaRouting.StampSource(request, Source, symmetric: false);

        Assert.Equal(expected, request.TopVia!.ToString());
        Assert.Equal("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK0", request.Vias[1].ToString());
    }

    [Theory]
    [InlineData("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1", "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;rport=40123;received=203.0.113.7")]
    [InlineData("SIP/2.0/UDP phone.example.com;branch=z9hG4bK1", "SIP/2.0/UDP phone.example.com;branch=z9hG4bK1;rport=40123;received=203.0.113.7")]
    public void StampSource_SymmetricUdp_StampsTheSourcePortWithoutRport(string via, string expected)
    {
        // A phone behind NAT that forgot rport still gets its answer at the address and port it sent from.
        SipRequest request = Options(via);

        ViaRouting.StampSource(request, Source, symmetric: true);

        Assert.Equal(expected, request.TopVia!.ToString());
        Assert.Equal(Source, ViaRouting.ResponseTarget(request.CreateResponse(200), IPEndPoint.Parse("198.51.100.1:7000"), reliable: false));
    }

    [Theory]
    [InlineData("SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK1;rport=40123;received=203.0.113.7", false, "203.0.113.7:40123")]
    [InlineData("SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK1;received=203.0.113.7", false, "203.0.113.7:5062")]
    [InlineData("SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1", false, "10.0.0.5:5060")]
    [InlineData("SIP/2.0/TCP 10.0.0.5:5062;branch=z9hG4bK1;rport=40123;received=203.0.113.7", true, "203.0.113.7:5062")]
    [InlineData("SIP/2.0/UDP phone.example.com;branch=z9hG4bK1", false, "198.51.100.1:7000")]
    public void ResponseTarget_TopVia_FollowsRfc3261Section18And3581(string via, bool reliable, string expected)
    {
        SipResponse response = Options(via).CreateResponse(200);

        IPEndPoint target = ViaRouting.ResponseTarget(response, IPEndPoint.Parse("198.51.100.1:7000"), reliable);

        Assert.Equal(IPEndPoint.Parse(expected), target);
    }

    private static SipRequest Options(string via)
    {
        string text = "OPTIONS sip:service@192.0.2.1 SIP/2.0\r\n"
            + $"Via: {via}\r\n"
            + "From: <sip:alice@192.0.2.1>;tag=f1\r\nTo: <sip:service@192.0.2.1>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n";
        SipParseResult result = SipMessageParser.Parse(TransportTestMessages.Bytes(text));
        Assert.True(result.Succeeded, result.Error?.ToString());
        return Assert.IsType<SipRequest>(result.Message);
    }
}

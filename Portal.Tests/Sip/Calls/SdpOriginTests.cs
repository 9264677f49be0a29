using Portal.Sip.Calls;

namespace Portal.Tests.Sip.Calls;

public sealed class SdpOriginTests
{
    private const string Offer = "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n";
    private const string Hold = "v=0\r\no=alice 2890844526 2890844527 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=sendonly\r\n";
    private const string OtherParty = "v=0\r\no=bob 77 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 3000 RTP/AVP 0\r\n";

    private readonly SdpOrigin origin = new("-", 5000, 5000, "192.0.2.1");

    [Fact]
    public void Apply_FirstDescription_ReplacesOnlyTheOriginLine()
    {
        var rewritten = origin.Apply(Offer);

        Assert.Equal(Offer.Replace("o=alice 2890844526 2890844526 IN IP4 192.0.2.10", "o=- 5000 5000 IN IP4 192.0.2.1"), rewritten);
    }

    [Fact]
    public void Apply_TheSameDescriptionAgain_KeepsTheVersion()
    {
        // A 183 with SDP and then the 200 with the same answer, or a session refresh: RFC 3264 §8 says unchanged.
        origin.Apply(Offer);
        var again = origin.Apply(Offer);

        Assert.Contains("o=- 5000 5000 IN IP4 192.0.2.1\r\n", again);
        Assert.Equal(5000UL, origin.Version);
    }

    [Fact]
    public void Apply_AChangedDescription_GoesUpByExactlyOne()
    {
        origin.Apply(Offer);
        var hold = origin.Apply(Hold);

        Assert.Contains("o=- 5000 5001 IN IP4 192.0.2.1\r\n", hold);
        Assert.EndsWith("a=sendonly\r\n", hold);
    }

    [Fact]
    public void Apply_AnotherPartysDescription_KeepsTheSessionSoItIsNoNewSession()
    {
        // After a transfer the leg carries a different party's SDP; the phone must still see the same session.
        origin.Apply(Offer);
        var transferred = origin.Apply(OtherParty);

        Assert.Contains("o=- 5000 5001 IN IP4 192.0.2.1\r\n", transferred);
        Assert.Contains("m=audio 3000 RTP/AVP 0", transferred);
    }

    [Fact]
    public void Apply_EveryNewOffer_GoesUpOnce()
    {
        origin.Apply(Offer);
        origin.Apply(Hold);
        var resumed = origin.Apply(Offer);

        Assert.Contains("o=- 5000 5002 ", resumed);
    }

    [Fact]
    public void Apply_NoOriginLine_ReturnsTheBodyUnchanged()
    {
        const string noOrigin = "v=0\r\ns=-\r\n";
        Assert.Equal(noOrigin, origin.Apply(noOrigin));
    }

    [Fact]
    public void Apply_LineFeedOnlyBody_KeepsItsLineEnds()
    {
        var rewritten = origin.Apply(Offer.Replace("\r\n", "\n"));
        Assert.StartsWith("v=0\no=- 5000 5000 IN IP4 192.0.2.1\ns=-\n", rewritten);
    }

    [Fact]
    public void Apply_Ipv6Address_WritesAddressTypeIp6()
    {
        var v6 = new SdpOrigin("-", 1, 1, "[2001:db8::1]");
        Assert.Contains("o=- 1 1 IN IP6 2001:db8::1\r\n", v6.Apply(Offer));
    }

    [Fact]
    public void Apply_Bytes_RewritesUtf8()
    {
        var bytes = origin.Apply(System.Text.Encoding.UTF8.GetBytes(Offer));
        Assert.Contains("o=- 5000 5000 IN IP4 192.0.2.1", System.Text.Encoding.UTF8.GetString(bytes.Span));
    }

    [Theory]
    [InlineData("v=0\r\no=alice 1 2 IN IP4 192.0.2.1\r\ns=-\r\nm=audio 7000 RTP/AVP 0\r\n", "v=0\no=- 9 9 IN IP4 192.0.2.9\ns=-\nm=audio 7000 RTP/AVP 0\n", true)]
    [InlineData("v=0\r\no=alice 1 2 IN IP4 192.0.2.1\r\nm=audio 7000 RTP/AVP 0 8\r\n", "v=0\r\no=alice 1 3 IN IP4 192.0.2.1\r\nm=audio 7300 RTP/AVP 8\r\n", false)]
    [InlineData("v=0\r\nm=audio 7000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", "v=0\r\nm=audio 7000 RTP/AVP 0\r\n", false)]
    public void SameApartFromOrigin_IgnoresOnlyTheOriginAndLineEndings(string first, string second, bool same) =>
        Assert.Equal(same, SdpOrigin.SameApartFromOrigin(System.Text.Encoding.UTF8.GetBytes(first), System.Text.Encoding.UTF8.GetBytes(second)));
}

using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

public sealed class SipUriTests
{
    [Fact]
    public void Parse_FullUri_ReadsEveryComponent()
    {
        SipUri uri = SipUri.Parse("sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent");

        Assert.True(uri.IsSecure);
        Assert.Equal("sips", uri.Scheme);
        Assert.Equal("alice", uri.User);
        Assert.Equal("secret", uri.Password);
        Assert.Equal("atlanta.example.com", uri.Host);
        Assert.Equal(5061, uri.Port);
        Assert.Equal("tcp", uri.Transport);
        Assert.True(uri.IsLooseRouter);
        Assert.Equal("239.255.255.1", uri.Maddr);
        Assert.Equal(
            [new("subject", "project x"), new("priority", "urgent")],
            uri.Headers);
    }

    [Theory]
    [InlineData("sip:[::1]", "[::1]", null)]
    [InlineData("sip:bob@[2001:db8::10]:5070;transport=udp", "[2001:db8::10]", 5070)]
    [InlineData("sip:[2001:db8:0:0:0:0:0:10]:5060", "[2001:db8:0:0:0:0:0:10]", 5060)]
    public void Parse_Ipv6Reference_KeepsTheBracketsInTheHost(string text, string host, int? port)
    {
        SipUri uri = SipUri.Parse(text);

        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
        Assert.True(uri.IsIPv6Reference);
        Assert.Equal(text, uri.ToString());
    }

    [Theory]
    [InlineData("sip:user@example.com")]
    [InlineData("sip:example.com")]
    [InlineData("sip:+1-212-555-1212:1234@gateway.com;user=phone")]
    [InlineData("sip:alice@192.0.2.4:5060;transport=udp;lr")]
    [InlineData("sips:1212@gateway.com")]
    [InlineData("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com")]
    [InlineData("sip:I%20have%20spaces@example.net")]
    [InlineData("sip:user;par=u%40example.net@example.com")]
    [InlineData("sip:caller@host5.example.net;lr;name=value%2541")]
    public void ToString_ParsedUri_RoundTripsToAnEqualUri(string text)
    {
        SipUri uri = SipUri.Parse(text);
        SipUri again = SipUri.Parse(uri.ToString());

        Assert.Equal(uri, again);
        Assert.Equal(uri.ToString(), again.ToString());
        Assert.Equal(uri.User, again.User);
        Assert.Equal(uri.Parameters.ToList(), again.Parameters.ToList());
    }

    [Fact]
    public void ToString_UserWithReservedCharacters_EscapesOnlyWhatTheGrammarForbids()
    {
        SipUri uri = new("example.com", user: "sips:user@example.com");

        Assert.Equal("sip:sips%3Auser%40example.com@example.com", uri.ToString());
        Assert.Equal("sips:user@example.com", SipUri.Parse(uri.ToString()).User);
    }

    [Fact]
    public void ToString_UserWithNul_EscapesItAndParsesBack()
    {
        SipUri uri = new("example.com", user: "null-\0-null");

        Assert.Equal("sip:null-%00-null@example.com", uri.ToString());
        Assert.Equal("null-\0-null", SipUri.Parse(uri.ToString()).User);
    }

    [Theory]
    [InlineData("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp")]
    [InlineData("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5")]
    [InlineData("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;newparam=5")]
    [InlineData("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x")]
    public void Equals_Rfc3261Section19_1_4Examples_AreEquivalent(string left, string right)
    {
        Assert.Equal(SipUri.Parse(left), SipUri.Parse(right));
    }

    [Theory]
    [InlineData("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP")]
    [InlineData("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060")]
    [InlineData("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp")]
    [InlineData("sip:carol@chicago.com?Subject=next%20meeting", "sip:carol@chicago.com?Subject=another%20meeting")]
    [InlineData("sip:%00@host5.example.com", "sip:%00%00@host5.example.com")]
    public void Equals_Rfc3261Section19_1_4Counterexamples_AreDifferent(string left, string right)
    {
        Assert.NotEqual(SipUri.Parse(left), SipUri.Parse(right));
    }

    [Theory]
    [InlineData("sip:")]
    [InlineData("sip:@example.com")]
    [InlineData("sip:user@")]
    [InlineData("sip:user@exa mple.com")]
    [InlineData("sip:user@example.com:99999")]
    [InlineData("sip:user@[::1")]
    [InlineData("sip:user@example.com;=x")]
    [InlineData("sip:us%zzer@example.com")]
    [InlineData("sip:user@example.com?noequals")]
    [InlineData("<sip:user@example.com>")]
    [InlineData("http://example.com")]
    public void TryParse_InvalidSipUri_ReturnsFalse(string text)
    {
        Assert.False(SipUri.TryParse(text, out _));
    }

    [Fact]
    public void WithMethods_ChangeOneComponent_LeaveTheOriginalUntouched()
    {
        SipUri uri = SipUri.Parse("sip:alice@atlanta.example.com;transport=udp");

        SipUri changed = uri.WithUser("bob").WithHost("192.0.2.7", 5080).WithParameter("lr", null).WithoutParameter("transport");

        Assert.Equal("sip:bob@192.0.2.7:5080;lr", changed.ToString());
        Assert.Equal("sip:alice@atlanta.example.com;transport=udp", uri.ToString());
    }

    [Theory]
    [InlineData("tel:+1-201-555-0123", "+1-201-555-0123", true, "+12015550123")]
    [InlineData("tel:7042;phone-context=example.com", "7042", false, "7042")]
    public void Parse_TelUri_ReadsTheNumber(string text, string number, bool global, string digits)
    {
        TelUri uri = Assert.IsType<TelUri>(AbsoluteUri.Parse(text));

        Assert.Equal(number, uri.Number);
        Assert.Equal(global, uri.IsGlobal);
        Assert.Equal(digits, uri.Digits);
        Assert.Equal(text, uri.ToString());
    }

    [Fact]
    public void Parse_SipSchemeInAnyCase_GivesASipUri()
    {
        SipUri uri = Assert.IsType<SipUri>(AbsoluteUri.Parse("SIP:bob@Biloxi.example.com"));

        Assert.Equal("sip:bob@Biloxi.example.com", uri.ToString());
    }
}

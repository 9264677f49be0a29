using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

public sealed class NameAddressTests
{
    [Theory]
    [InlineData("\"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=1928301774", "Alice Liddell")]
    [InlineData("Alice Liddell <sip:alice@atlanta.example.com>;tag=1928301774", "Alice Liddell")]
    [InlineData("Alice<sip:alice@atlanta.example.com> ; tag = 1928301774", "Alice")]
    [InlineData("<sip:alice@atlanta.example.com>;tag=1928301774", null)]
    [InlineData("sip:alice@atlanta.example.com;tag=1928301774", null)]
    [InlineData("sip:alice@atlanta.example.com ;tag=1928301774", null)]
    public void Parse_EveryForm_ReadsDisplayNameUriAndTag(string text, string? displayName)
    {
        NameAddress address = NameAddress.Parse(text);

        Assert.Equal(displayName, address.DisplayName);
        Assert.Equal("sip:alice@atlanta.example.com", address.Uri.ToString());
        Assert.Equal("1928301774", address.Tag);
    }

    [Fact]
    public void Parse_QuotedDisplayNameWithEscapes_Unquotes()
    {
        NameAddress address = NameAddress.Parse("\"Say \\\"hi\\\" \\\\ bye\" <sip:x@example.com>");

        Assert.Equal("Say \"hi\" \\ bye", address.DisplayName);
        Assert.Equal("\"Say \\\"hi\\\" \\\\ bye\" <sip:x@example.com>", address.ToString());
    }

    [Fact]
    public void Parse_UriParametersInsideBrackets_StayOnTheUri()
    {
        NameAddress address = NameAddress.Parse("<sip:alice@192.0.2.10:5060;transport=udp>;expires=60;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"");

        Assert.Equal("udp", address.SipUri!.Transport);
        Assert.Equal("60", address.Parameters.GetValue("expires"));
        Assert.Equal("<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>", address.Parameters.GetValue("+sip.instance"));
        Assert.Equal(address.ToString(), NameAddress.Parse(address.ToString()).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"unterminated <sip:a@example.com>")]
    [InlineData("<sip:a@example.com")]
    [InlineData("< sip:a@example.com >")]
    [InlineData("Bell, Alexander <sip:a@example.com>")]
    [InlineData("sip:a@example.com?Route=x")]
    [InlineData("<sip:a@example.com>;tag=")]
    [InlineData("<sip:a@example.com> junk")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.False(NameAddress.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_FlagParameterWithoutValue_IsAccepted()
    {
        Assert.True(NameAddress.TryParse("<sip:a@example.com>;lr", out NameAddress? address));
        Assert.True(address.Parameters.Contains("lr"));
    }

    [Fact]
    public void ToString_AddrSpecInput_WritesNameAddrFormWithParameters()
    {
        NameAddress address = NameAddress.Parse("sip:bob@biloxi.example.com").WithTag("a6c85cf").WithDisplayName("Bob");

        Assert.Equal("\"Bob\" <sip:bob@biloxi.example.com>;tag=a6c85cf", address.ToString());
    }

    [Fact]
    public void ToString_DisplayNameWithLineBreak_CannotBreakTheHeaderLine()
    {
        NameAddress address = new(SipUri.Parse("sip:x@example.com"), "evil\r\nVia: injected");

        Assert.DoesNotContain('\n', address.ToString());
        Assert.DoesNotContain('\r', address.ToString());
    }
}

using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

public sealed class SipHeadersTests
{
    [Theory]
    [InlineData("i", "Call-ID")]
    [InlineData("m", "Contact")]
    [InlineData("e", "Content-Encoding")]
    [InlineData("l", "Content-Length")]
    [InlineData("c", "Content-Type")]
    [InlineData("f", "From")]
    [InlineData("s", "Subject")]
    [InlineData("k", "Supported")]
    [InlineData("t", "To")]
    [InlineData("v", "Via")]
    [InlineData("r", "Refer-To")]
    [InlineData("b", "Referred-By")]
    [InlineData("o", "Event")]
    [InlineData("u", "Allow-Events")]
    [InlineData("x", "Session-Expires")]
    [InlineData("CALL-id", "Call-ID")]
    [InlineData("www-authenticate", "WWW-Authenticate")]
    [InlineData("X-Custom", "X-Custom")]
    public void Canonicalize_CompactOrOddCase_GivesTheCanonicalName(string name, string canonical)
    {
        Assert.Equal(canonical, SipHeaderNames.Canonicalize(name));
    }

    [Fact]
    public void Lookup_ByCompactOrLongName_FindsTheSameLines()
    {
        SipHeaders headers = new();
        headers.Add("v", "SIP/2.0/UDP a");
        headers.Add("Subject", "x");
        headers.Add("VIA", "SIP/2.0/UDP b");

        Assert.Equal(["SIP/2.0/UDP a", "SIP/2.0/UDP b"], headers.GetAll("Via"));
        Assert.Equal(2, headers.CountOf("v"));
        Assert.Equal("x", headers["s"]);
        Assert.Equal(["Via", "Subject", "Via"], headers.Select(h => h.Name));
    }

    [Fact]
    public void GetValues_CommasInsideQuotesOrBrackets_DoNotSplit()
    {
        SipHeaders headers = new();
        headers.Add("Contact", "\"Doe, John\" <sip:j@example.com;x=a,b>, <sip:k@example.com>");

        Assert.Equal(["\"Doe, John\" <sip:j@example.com;x=a,b>", "<sip:k@example.com>"], headers.GetValues("m"));
    }

    [Fact]
    public void Prepend_AddsBeforeTheFirstLineOfThatName()
    {
        SipHeaders headers = new();
        headers.Add("Max-Forwards", "70");
        headers.Add("Via", "SIP/2.0/UDP old");

        headers.Prepend("Via", "SIP/2.0/UDP new");

        Assert.Equal(["Max-Forwards", "Via", "Via"], headers.Select(h => h.Name));
        Assert.Equal("SIP/2.0/UDP new", headers["Via"]);
    }

    [Fact]
    public void Set_ReplacesTheFirstAndRemovesTheOthers()
    {
        SipHeaders headers = new();
        headers.Add("Route", "<sip:a>");
        headers.Add("To", "<sip:b@example.com>");
        headers.Add("Route", "<sip:c>");

        headers.Set("Route", "<sip:d>");

        Assert.Equal([new SipHeader("Route", "<sip:d>"), new SipHeader("To", "<sip:b@example.com>")], headers);
        Assert.Equal(1, headers.Remove("route"));
        Assert.False(headers.Contains("Route"));
    }

    [Fact]
    public void Clone_IsIndependentOfTheOriginal()
    {
        SipHeaders headers = TortureMessages.ParseMessage("wsinv").Headers;

        SipHeaders copy = headers.Clone();
        copy.Set("Call-ID", "other");

        Assert.Equal("wsinv.ndaksdj@192.0.2.1", headers["i"]);
        Assert.Equal(headers.Count, copy.Count);
    }

    [Fact]
    public void TypedView_AfterTheHeaderChanges_ReflectsTheNewValue()
    {
        SipMessage message = TortureMessages.ParseMessage("wsinv");
        Assert.Equal("98asjd8", message.From!.Tag);

        message.Headers.Set(SipHeaderNames.From, "<sip:x@example.com>;tag=new");

        Assert.Equal("new", message.From!.Tag);
    }

    [Fact]
    public void AParsedMessage_Compacted_ReadsTheSameValues_KeepsChangedLines_AndWritesTheSameBytes()
    {
        byte[] wire = System.Text.Encoding.ASCII.GetBytes(
            "BYE sip:bob@192.0.2.4 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKcompact\r\n" +
            "From: <sip:alice@example.com>;tag=a1\r\n" +
            "To: <sip:bob@example.com>;tag=b2\r\n" +
            "Subject: one,\r\n two\r\n" +
            "Call-ID: compact-1\r\n" +
            "CSeq: 2 BYE\r\n" +
            "Content-Length: 0\r\n\r\n");
        SipRequest request = Assert.IsType<SipRequest>(SipMessageParser.Parse(wire).Message);
        NameAddress from = request.From!;
        Assert.Equal("one, two", request.Headers.GetFirst("Subject"));
        request.Headers.Set("X-Note", "kept");
        byte[] before = request.ToBytes();

        request.Compact();

        Assert.NotSame(from, request.From);
        Assert.Equal("a1", request.From!.Tag);
        Assert.Equal("b2", request.To!.Tag);
        Assert.Equal("z9hG4bKcompact", request.TopVia!.Branch);
        Assert.Equal(2u, request.CSeq!.Number);
        Assert.Equal("one, two", request.Headers.GetFirst("Subject"));
        Assert.Equal("kept", request.Headers.GetFirst("X-Note"));
        Assert.Equal(before, request.ToBytes());
    }
}

using System.Text;

using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

public sealed class SipMessageSerializationTests
{
    public static TheoryData<string> ParsableTortureMessages =>
    [
        "wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "dblreq", "semiuri", "transports",
        "mpart01", "unreason", "noreason", "lwsstart", "trws", "baddate", "badbranch", "insuf", "unkscm", "novelsc",
        "unksm2", "bext01", "invut", "regaut01", "multi01", "mcl01", "bcast", "zeromf", "cparam01", "cparam02",
        "regescrt", "sdp01", "inv2543",
    ];

    [Theory]
    [MemberData(nameof(ParsableTortureMessages))]
    public void ToBytes_ParsedTortureMessage_ParsesBackToTheSameValues(string name)
    {
        SipMessage original = TortureMessages.ParseMessage(name);

        byte[] wire = original.ToBytes();
        SipParseResult again = SipMessageParser.Parse(wire);

        Assert.True(again.Succeeded, again.Error?.ToString());
        AssertSameMessage(original, again.Message);
        Assert.Equal(wire, again.Message.ToBytes());
    }

    [Fact]
    public void ToBytes_ValueNotUtf8ReadBeforeWriting_WrittenAsReceivedAndStable()
    {
        // Found by the parser fuzz test: reading a value used to switch its writing from the received bytes to
        // the decoded text (U+FFFD for the stray byte), so serialise → parse → serialise changed the bytes.
        byte[] wire = [.. Encoding.ASCII.GetBytes("OPTIONS sip:user@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
            + "Max-Forwards: 70\r\nTo: sip:user@example.com\r\nFrom: sip:caller@example.org;tag=1\r\nCall-ID: a\r\nCSeq: 1 OPTIONS\r\n"
            + "Accept: application/sd"), 0x97, .. "\r\nContent-Length: 0\r\n\r\n"u8];
        SipMessage message = SipMessageParser.Parse(wire).Message!;

        Assert.Equal("application/sd\uFFFD", message.Headers["Accept"]);
        byte[] written = message.ToBytes();
        SipMessage again = SipMessageParser.Parse(written).Message!;
        _ = again.Headers["Accept"];

        Assert.Equal(wire, written);
        Assert.Equal(written, again.ToBytes());
    }

    [Fact]
    public void ToBytes_CompactAndFoldedInput_WritesCanonicalLines()
    {
        SipMessage message = TortureMessages.ParseMessage("wsinv");

        string text = message.ToString();

        Assert.StartsWith("INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\nTo: sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nSubject: \r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nContact: \"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 150\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\n ", text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [Fact]
    public void ToBytes_ChangedBody_RecomputesContentLength()
    {
        SipMessage message = TortureMessages.ParseMessage("mcl01");

        message.Body = "four"u8.ToArray();
        string text = message.ToString();

        Assert.Single(text.Split("Content-Length", StringSplitOptions.None).Skip(1));
        Assert.EndsWith("Content-Length: 4\r\nMax-Forwards: 60\r\nContent-Type: text/plain\r\n\r\nfour", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToBytes_BuiltRequest_WritesCanonicalWireForm()
    {
        SipRequest request = new(SipMethod.Invite, SipUri.Parse("sip:bob@biloxi.example.com"));
        request.Headers.Add(SipHeaderNames.Via, new ViaHeader("UDP", "192.0.2.10", 5060, SipParameters.Empty.With("branch", "z9hG4bK1").With("rport", null)).ToString());
        request.Headers.Add("max-forwards", "70");
        request.Headers.Add("f", new NameAddress(SipUri.Parse("sip:alice@atlanta.example.com"), "Alice").WithTag("9fxced76sl").ToString());
        request.Headers.Add(SipHeaderNames.To, "<sip:bob@biloxi.example.com>");
        request.Headers.Add(SipHeaderNames.CallId, "3848276298220188511@atlanta.example.com");
        request.Headers.Add(SipHeaderNames.CSeq, new CSeqHeader(1, SipMethod.Invite).ToString());
        request.Headers.Add(SipHeaderNames.ContentType, ContentTypeHeader.Sdp.ToString());
        request.Body = "v=0\r\n"u8.ToArray();

        Assert.Equal(
            "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
            "To: <sip:bob@biloxi.example.com>\r\n" +
            "Call-ID: 3848276298220188511@atlanta.example.com\r\n" +
            "CSeq: 1 INVITE\r\n" +
            "Content-Type: application/sdp\r\n" +
            "Content-Length: 5\r\n" +
            "\r\n" +
            "v=0\r\n",
            request.ToString());
        Assert.Equal(request.ToBytes().Length, request.GetWireLength());
    }

    [Fact]
    public void ToBytes_ReplacedRequestUri_WritesTheNewUri()
    {
        SipRequest request = TortureMessages.ParseRequest("esc01");

        request.Uri = SipUri.Parse("sip:carol@chicago.example.com");

        Assert.StartsWith("INVITE sip:carol@chicago.example.com SIP/2.0\r\n", request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TryWriteTo_SmallBuffer_ReturnsFalse()
    {
        SipMessage message = TortureMessages.ParseMessage("zeromf");
        byte[] buffer = new byte[message.GetWireLength()];

        Assert.False(message.TryWriteTo(buffer.AsSpan(1), out _));
        Assert.True(message.TryWriteTo(buffer, out int written));
        Assert.Equal(message.ToBytes(), buffer[..written]);
    }

    [Fact]
    public void Headers_ValueWithLineBreak_IsRefused()
    {
        SipRequest request = new(SipMethod.Options, SipUri.Parse("sip:example.com"));

        Assert.Throws<ArgumentException>(() => request.Headers.Add(SipHeaderNames.Subject, "hi\r\nVia: SIP/2.0/UDP evil"));
        Assert.Throws<ArgumentException>(() => request.Headers.Add("Bad Name", "x"));
    }

    private static void AssertSameMessage(SipMessage expected, SipMessage actual)
    {
        switch (expected)
        {
            case SipRequest request:
                SipRequest other = Assert.IsType<SipRequest>(actual);
                Assert.Equal(request.Method, other.Method);
                Assert.Equal(request.Uri, other.Uri);
                break;
            case SipResponse response:
                SipResponse otherResponse = Assert.IsType<SipResponse>(actual);
                Assert.Equal(response.StatusCode, otherResponse.StatusCode);
                Assert.Equal(response.ReasonPhrase, otherResponse.ReasonPhrase);
                break;
        }

        Assert.Equal(WithoutContentLength(expected.Headers), WithoutContentLength(actual.Headers));
        Assert.Equal(expected.Body.ToArray(), actual.Body.ToArray());
        Assert.Equal(expected.Vias.Select(v => v.ToString()), actual.Vias.Select(v => v.ToString()));
        Assert.Equal(expected.From?.ToString(), actual.From?.ToString());
        Assert.Equal(expected.To?.ToString(), actual.To?.ToString());
        Assert.Equal(expected.CSeq, actual.CSeq);
        Assert.Equal(expected.CallId, actual.CallId);
        Assert.Equal(expected.Contacts.Select(c => c.ToString()), actual.Contacts.Select(c => c.ToString()));
        Assert.Equal(Encoding.UTF8.GetString(expected.ToBytes()), Encoding.UTF8.GetString(actual.ToBytes()));
    }

    private static List<SipHeader> WithoutContentLength(SipHeaders headers) =>
        headers.Where(h => h.Name != SipHeaderNames.ContentLength).ToList();
}

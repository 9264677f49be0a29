using System.Text;

using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

public sealed class SipMessageParserTests
{
    private const string Options =
        "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "To: <sip:bob@biloxi.example.com>\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 63104 OPTIONS\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    [Fact]
    public void Parse_CompactForms_AreReadAsTheirLongNames()
    {
        SipRequest request = Assert.IsType<SipRequest>(TortureMessages.ParseTextMessage(
            "MESSAGE sip:bob@example.com SIP/2.0\r\n" +
            "v: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n" +
            "f: <sip:a@example.com>;tag=1\r\nt: <sip:bob@example.com>\r\ni: compact-1\r\n" +
            "CSeq: 1 MESSAGE\r\nm: <sip:a@192.0.2.1>\r\ne: gzip\r\nc: text/plain\r\ns: hello\r\nk: timer\r\n" +
            "r: <sip:carol@example.com>\r\nb: <sip:a@example.com>\r\no: refer;id=7\r\nu: presence\r\nx: 1800;refresher=uac\r\n" +
            "l: 2\r\n\r\nhi"));

        Assert.Equal("h.example.com", request.TopVia!.Host);
        Assert.Equal("1", request.From!.Tag);
        Assert.Equal("sip:bob@example.com", request.To!.Uri.ToString());
        Assert.Equal("compact-1", request.CallId);
        Assert.Equal("sip:a@192.0.2.1", request.Contacts[0].Uri!.ToString());
        Assert.Equal("gzip", request.Headers[SipHeaderNames.ContentEncoding]);
        Assert.Equal("text/plain", request.ContentType!.MediaType);
        Assert.Equal("hello", request.Headers[SipHeaderNames.Subject]);
        Assert.Equal(["timer"], request.Supported);
        Assert.Equal("sip:carol@example.com", request.ReferTo!.Uri.ToString());
        Assert.Equal("sip:a@example.com", request.ReferredBy!.Uri.ToString());
        Assert.Equal("7", request.Event!.Id);
        Assert.Equal("presence", request.Headers[SipHeaderNames.AllowEvents]);
        Assert.Equal("1800;refresher=uac", request.Headers[SipHeaderNames.SessionExpires]);
        Assert.Equal("hi"u8.ToArray(), request.Body.ToArray());
    }

    [Fact]
    public void Parse_FoldedHeaders_JoinsContinuationLinesWithOneSpace()
    {
        SipRequest request = Assert.IsType<SipRequest>(TortureMessages.ParseTextMessage(Options.Replace(
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\n",
            "Via: SIP/2.0/UDP\r\n\t192.0.2.10:5060\r\n   ;branch=z9hG4bK776asdhds\r\nSubject: first   \r\n  second\r\n",
            StringComparison.Ordinal)));

        Assert.Equal("SIP/2.0/UDP 192.0.2.10:5060 ;branch=z9hG4bK776asdhds", request.Headers[SipHeaderNames.Via]);
        Assert.Equal("z9hG4bK776asdhds", request.TopVia!.Branch);
        Assert.Equal("first second", request.Headers[SipHeaderNames.Subject]);
    }

    [Fact]
    public void Parse_SeveralViasOnOneLine_ListsThemInOrderWithTheOtherLines()
    {
        SipRequest request = Assert.IsType<SipRequest>(TortureMessages.ParseTextMessage(Options.Replace(
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\n",
            "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKa, SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKb;received=2001:db8::9:255\r\n" +
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5066\r\n",
            StringComparison.Ordinal)));

        Assert.Equal(["p1.example.com", "[2001:db8::9]", "192.0.2.10"], request.Vias.Select(v => v.Host));
        Assert.Equal(5070, request.Vias[1].Port);
        Assert.Equal("2001:db8::9:255", request.Vias[1].Received);
        Assert.Equal(5066, request.Vias[2].Rport);
        Assert.Equal("p1.example.com", request.TopVia!.Host);
    }

    [Fact]
    public void Parse_ContactStar_IsTheWildcard()
    {
        SipRequest request = Assert.IsType<SipRequest>(TortureMessages.ParseTextMessage(
            "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK9\r\nMax-Forwards: 70\r\n" +
            "From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: star\r\nCSeq: 2 REGISTER\r\n" +
            "Contact: *\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n"));

        ContactHeader contact = Assert.Single(request.Contacts);
        Assert.True(contact.IsWildcard);
        Assert.Equal(0u, request.Expires);
    }

    [Fact]
    public void Parse_SeveralContactsWithParameters_ReadsExpiresAndQ()
    {
        SipRequest request = Assert.IsType<SipRequest>(TortureMessages.ParseTextMessage(Options.Replace(
            "Content-Length: 0\r\n",
            "Contact: \"Mr. Watson, here\" <sip:watson@worcester.example.com>;q=0.7; expires=3600, <sip:watson@bell.example.com;transport=tcp>;q=0.1\r\nContent-Length: 0\r\n",
            StringComparison.Ordinal)));

        Assert.Equal(2, request.Contacts.Count);
        Assert.Equal("Mr. Watson, here", request.Contacts[0].Address!.DisplayName);
        Assert.Equal(3600u, request.Contacts[0].Expires);
        Assert.Equal(0.7, request.Contacts[0].Q);
        Assert.Null(request.Contacts[1].Expires);
        Assert.Equal("tcp", request.Contacts[1].Address!.SipUri!.Transport);
    }

    [Fact]
    public void Parse_LeadingCrlfs_AreIgnored()
    {
        SipParseResult result = TortureMessages.ParseText("\r\n\r\n\r\n" + Options);

        Assert.True(result.Succeeded);
        Assert.Equal(SipMethod.Options, result.Method);
    }

    [Fact]
    public void Parse_BareLineFeeds_AreTolerated()
    {
        SipRequest request = Assert.IsType<SipRequest>(TortureMessages.ParseTextMessage(Options.Replace("\r\n", "\n", StringComparison.Ordinal)));

        Assert.Equal("a84b4c76e66710", request.CallId);
    }

    [Fact]
    public void Parse_NoContentLengthInDatagram_TakesTheRestAsBody()
    {
        SipMessage message = TortureMessages.ParseTextMessage(Options.Replace("Content-Length: 0\r\n", string.Empty, StringComparison.Ordinal) + "v=0\r\n");

        Assert.Equal("v=0\r\n"u8.ToArray(), message.Body.ToArray());
    }

    [Fact]
    public void Parse_BodyLongerThanContentLength_TruncatesIt()
    {
        SipParseResult result = TortureMessages.ParseText(Options.Replace("Content-Length: 0", "Content-Length: 3", StringComparison.Ordinal) + "abcdef");

        Assert.Equal("abc"u8.ToArray(), result.Message!.Body.ToArray());
        Assert.Equal(3, result.IgnoredBytes);
    }

    [Fact]
    public void Parse_BinaryBody_IsKeptAsBytes()
    {
        byte[] head = Encoding.ASCII.GetBytes(Options.Replace("Content-Length: 0", "Content-Length: 4", StringComparison.Ordinal));
        byte[] data = [.. head, 0x00, 0xFF, 0x0D, 0x0A];

        Assert.Equal(new byte[] { 0x00, 0xFF, 0x0D, 0x0A }, SipMessageParser.Parse(data).Message!.Body.ToArray());
    }

    [Theory]
    [InlineData("SIP/2.0 99 Too Low\r\n", "Bad Request - Malformed status code")]
    [InlineData("SIP/2.0 700 Too High\r\n", "Bad Request - Malformed status code")]
    [InlineData("SIP/2.0 20 Short\r\n", "Bad Request - Malformed status code")]
    [InlineData("SIP/2.0 2000 Long\r\n", "Bad Request - Malformed status code")]
    [InlineData("SIP/2.0 2x0 Letters\r\n", "Bad Request - Malformed status code")]
    [InlineData("SIP/2.x 200 OK\r\n", "Bad Request - Malformed SIP version")]
    [InlineData("OPTIONS sip:a@example.com HTTP/1.1\r\n", "Bad Request - Malformed SIP version")]
    [InlineData("OPTIONS sip:a@example.com\r\n", "Bad Request - Malformed Request-Line")]
    [InlineData("OPT(IONS sip:a@example.com SIP/2.0\r\n", "Bad Request - Malformed Request-Line")]
    [InlineData("OPTIONS a@example.com SIP/2.0\r\n", "Bad Request - Malformed Request-URI")]
    public void Parse_BadStartLine_IsRefusedWithAReason(string startLine, string reason)
    {
        SipParseResult result = TortureMessages.ParseText(startLine + Options[(Options.IndexOf('\n') + 1)..]);

        Assert.Equal(new SipParseError(400, reason), result.Error);
    }

    [Fact]
    public void Parse_OtherSipVersionResponse_Is505()
    {
        Assert.Equal(505, TortureMessages.ParseText("SIP/3.0 200 OK\r\n" + Options[(Options.IndexOf('\n') + 1)..]).Error?.StatusCode);
    }

    [Fact]
    public void Parse_MethodIsCaseSensitive_LowerCaseInviteIsAnotherMethod()
    {
        SipParseResult result = TortureMessages.ParseText(Options.Replace("OPTIONS sip", "options sip", StringComparison.Ordinal));

        Assert.Equal("options", result.Method!.Name);
        Assert.Equal("Bad Request - CSeq method does not match request method", result.Error!.ReasonPhrase);
    }

    [Theory]
    [InlineData("Max-Forwards: 70", "Max-Forwards: 256", "Max-Forwards")]
    [InlineData("Max-Forwards: 70", "Max-Forwards: seventy", "Max-Forwards")]
    [InlineData("Call-ID: a84b4c76e66710", "Call-ID: has space", "Call-ID")]
    [InlineData("CSeq: 63104 OPTIONS", "CSeq: OPTIONS", "CSeq")]
    [InlineData("To: <sip:bob@biloxi.example.com>", "To: <bob@biloxi.example.com>", "To")]
    [InlineData("Content-Length: 0", "Content-Length: 0\r\nContent-Type: sdp", "Content-Type")]
    [InlineData("Content-Length: 0", "Content-Length: 0\r\nRequire: ", "Require")]
    [InlineData("Content-Length: 0", "Content-Length: 0\r\nAuthorization: Digest username=\"a", "Authorization")]
    public void Parse_MalformedKnownHeader_NamesTheHeader(string from, string to, string header)
    {
        SipParseResult result = TortureMessages.ParseText(Options.Replace(from, to, StringComparison.Ordinal));

        Assert.Equal(new SipParseError(400, $"Bad Request - Malformed {header} header"), result.Error);
    }

    [Theory]
    [InlineData("Via SIP/2.0/UDP host\r\n")]
    [InlineData(" folded-before-any-header\r\n")]
    [InlineData("Bad Name: value\r\n")]
    [InlineData("Subject: bare\rcarriage return\r\n")]
    public void Parse_BrokenHeaderLine_IsRefused(string line)
    {
        SipParseResult result = TortureMessages.ParseText(Options.Replace("SIP/2.0\r\nVia", "SIP/2.0\r\n" + line + "Via", StringComparison.Ordinal));

        Assert.Equal(new SipParseError(400, "Bad Request - Malformed header line"), result.Error);
    }

    [Fact]
    public void Parse_MissingEmptyLine_IsRefused()
    {
        Assert.Equal("Bad Request - Missing end of headers", TortureMessages.ParseText(Options[..^2]).Error?.ReasonPhrase);
    }

    [Fact]
    public void Parse_EmptyDatagram_IsRefused()
    {
        Assert.False(SipMessageParser.Parse("\r\n\r\n"u8).Succeeded);
    }

    [Fact]
    public void Parse_Over64KiB_IsRefusedAsTooLarge()
    {
        byte[] data = new byte[SipMessageParser.MaxMessageSize + 1];

        Assert.Equal(new SipParseError(513, "Message Too Large"), SipMessageParser.Parse(data).Error);
    }

    [Fact]
    public void Parse_Failure_KeepsTheHeadersReadSoTheTransportCanAnswer()
    {
        SipParseResult result = TortureMessages.ParseText(Options.Replace("Max-Forwards: 70", "Max-Forwards: lots", StringComparison.Ordinal));

        SipResponse answer = result.CreateErrorResponse("srv1")!;
        Assert.Equal(400, answer.StatusCode);
        Assert.Equal("Bad Request - Malformed Max-Forwards header", answer.ReasonPhrase);
        Assert.Equal("z9hG4bK776asdhds", answer.TopVia!.Branch);
        Assert.Equal("srv1", answer.To!.Tag);
        Assert.Equal(new CSeqHeader(63104, SipMethod.Options), answer.CSeq);
    }

    [Fact]
    public void Parse_FailedAck_IsNeverAnswered()
    {
        SipParseResult result = TortureMessages.ParseText(Options.Replace("OPTIONS", "ACK", StringComparison.Ordinal).Replace("Max-Forwards: 70", "Max-Forwards: x", StringComparison.Ordinal));

        Assert.False(result.Succeeded);
        Assert.Null(result.CreateErrorResponse());
    }

    [Fact]
    public void Parse_MemoryOverload_DoesNotCopyTheBuffer()
    {
        byte[] data = Encoding.ASCII.GetBytes(Options.Replace("Content-Length: 0", "Content-Length: 1", StringComparison.Ordinal) + "x");

        SipMessage message = SipMessageParser.Parse(data.AsMemory()).Message!;
        data[^1] = (byte)'y';

        Assert.Equal("y"u8.ToArray(), message.Body.ToArray());
    }

    [Fact]
    public void Parse_ByteArray_TakesTheCopyingOverload()
    {
        byte[] data = Encoding.ASCII.GetBytes(Options.Replace("Content-Length: 0", "Content-Length: 1", StringComparison.Ordinal) + "x");

        SipMessage message = SipMessageParser.Parse(data).Message!;
        data[^1] = (byte)'y';

        Assert.Equal("x"u8.ToArray(), message.Body.ToArray());
    }

    [Fact]
    public void Parse_SpanOverload_CopiesTheBuffer()
    {
        byte[] data = Encoding.ASCII.GetBytes(Options.Replace("Content-Length: 0", "Content-Length: 1", StringComparison.Ordinal) + "x");

        SipMessage message = SipMessageParser.Parse(data.AsSpan()).Message!;
        data[^1] = (byte)'y';

        Assert.Equal("x"u8.ToArray(), message.Body.ToArray());
    }
}

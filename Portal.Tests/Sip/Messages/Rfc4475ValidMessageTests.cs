using System.Text;

using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

/// <summary>RFC 4475 §3.1.1: valid messages parse, to the values the RFC describes.</summary>
public sealed class Rfc4475ValidMessageTests
{
    [Fact]
    public void Parse_Wsinv_ReadsEveryValueThroughFoldingWhitespaceAndCompactForms()
    {
        SipRequest request = TortureMessages.ParseRequest("wsinv");

        Assert.Equal(SipMethod.Invite, request.Method);
        SipUri uri = Assert.IsType<SipUri>(request.Uri);
        Assert.Equal("vivekg", uri.User);
        Assert.Equal("chair-dnrc.example.com", uri.Host);
        Assert.True(uri.Parameters.Contains("unknownparam"));
        Assert.Equal("sip:vivekg@chair-dnrc.example.com", request.To!.Uri.ToString());
        Assert.Equal("1918181833n", request.To.Tag);
        Assert.Equal("J Rosenberg \\\"", request.From!.DisplayName);
        Assert.Equal("sip:jdrosen@example.com", request.From.Uri.ToString());
        Assert.Equal("98asjd8", request.From.Tag);
        Assert.Equal(68, request.MaxForwards);
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", request.CallId);
        Assert.Equal(new CSeqHeader(9, SipMethod.Invite), request.CSeq);
        Assert.Equal(150, request.Body.Length);
        Assert.Equal(string.Empty, request.Headers["s"]);
        Assert.Equal("newfangled value continued newfangled value", request.Headers["NewFangledHeader"]);
        Assert.Equal(";;,,;;,;", request.Headers["UnknownHeaderWithUnusualValue"]);
        Assert.True(request.ContentType!.IsSdp);

        Assert.Collection(
            request.Vias,
            v => Assert.Equal(("UDP", "192.0.2.2", "390skdjuw"), (v.Transport, v.SentBy, v.Branch)),
            v => Assert.Equal(("TCP", "spindle.example.com", "z9hG4bK9ikj8"), (v.Transport, v.SentBy, v.Branch)),
            v => Assert.Equal(("UDP", "192.168.255.111", "z9hG4bK30239"), (v.Transport, v.SentBy, v.Branch)));

        NameAddress route = Assert.Single(request.Routes);
        SipUri routeUri = route.SipUri!;
        Assert.True(routeUri.IsLooseRouter);
        Assert.Equal("value", routeUri.Parameters.GetValue("unknownwith"));
        Assert.True(routeUri.Parameters.Contains("unknown-no-value"));

        ContactHeader contact = Assert.Single(request.Contacts);
        Assert.Equal("Quoted string \"\"", contact.Address!.DisplayName);
        Assert.Equal("newvalue", contact.Address.Parameters.GetValue("newparam"));
        Assert.True(contact.Address.Parameters.Contains("secondparam"));
        Assert.Equal(0.33, contact.Q);
    }

    [Fact]
    public void Parse_Intmeth_AcceptsTheWholeRangeOfLegalCharacters()
    {
        SipRequest request = TortureMessages.ParseRequest("intmeth");

        Assert.Equal("!interesting-Method0123456789_*+`.%indeed'~", request.Method.Name);
        SipUri uri = Assert.IsType<SipUri>(request.Uri);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", uri.User);
        Assert.Equal("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", uri.Password);
        Assert.Equal("example.com", uri.Host);
        Assert.Equal("z9hG4bK-.!%66*_+`'~", request.TopVia!.Branch);
        Assert.Equal("BEL:\a NUL:\0 DEL:\x7F", request.To!.DisplayName);
        Assert.Equal(uri.User, request.To.SipUri!.User);
        Assert.Equal("token1~` token2'+_ token3*%!.-", request.From!.DisplayName);
        Assert.Equal("_token~1'+`*%!-.", request.From.Tag);
        Assert.Equal("работающий", request.From.Parameters.GetValue("fromParam''~+*_!.-%"));
        Assert.Equal("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", request.CallId);
        Assert.Equal(new CSeqHeader(139122385, request.Method), request.CSeq);
        Assert.Equal(255, request.MaxForwards);
        Assert.Equal("\uFEFF大停電", request.Headers["extensionHeader-!.%*+_`'~"]);
    }

    [Fact]
    public void Parse_Esc01_UnescapesUserPartsAndUriParameters()
    {
        SipRequest request = TortureMessages.ParseRequest("esc01");

        SipUri uri = Assert.IsType<SipUri>(request.Uri);
        Assert.Equal("sips:user@example.com", uri.User);
        Assert.Equal("example.net", uri.Host);
        Assert.Equal("user", request.To!.SipUri!.User);
        Assert.Equal(SipUri.Parse("sip:user@example.com"), request.To.SipUri);
        Assert.Equal("I have spaces", request.From!.SipUri!.User);
        Assert.Equal("938", request.From.Tag);
        SipUri contact = Assert.Single(request.Contacts).Address!.SipUri!;
        Assert.Equal("caller", contact.User);
        Assert.True(contact.IsLooseRouter);
        Assert.Equal("value%41", contact.Parameters.GetValue("name"));
        Assert.True(request.ContentType!.IsSdp);
    }

    [Fact]
    public void Parse_Escnull_KeepsNulsInsideUserParts()
    {
        SipRequest request = TortureMessages.ParseRequest("escnull");

        Assert.Equal("null-\0-null", request.To!.SipUri!.User);
        Assert.Equal("null-\0-null", request.From!.SipUri!.User);
        Assert.Equal(["\0", "\0\0"], request.Contacts.Select(c => c.Address!.SipUri!.User));
        Assert.NotEqual(request.Contacts[0].Address!.Uri, request.Contacts[1].Address!.Uri);
        Assert.Equal(0, request.Body.Length);
    }

    [Fact]
    public void Parse_Esc02_TreatsPercentAsLiteralOutsideUris()
    {
        SipRequest request = TortureMessages.ParseRequest("esc02");

        Assert.Equal("RE%47IST%45R", request.Method.Name);
        Assert.NotEqual(SipMethod.Register, request.Method);
        Assert.Equal("%Z%45", request.To!.DisplayName);
        Assert.Equal("%Z%45", request.From!.DisplayName);
        Assert.Equal("z9hG4bK209%fzsnel234", request.TopVia!.Branch);
        Assert.Equal(request.Method, request.CSeq!.Method);
        Assert.Equal(["alias1", "alias3"], request.Contacts.Select(c => c.Address!.SipUri!.User));
        Assert.Equal("<sip:alias2@host2.example.com>", request.Headers["C%6Fntact"]);
    }

    [Fact]
    public void Parse_Lwsdisp_AcceptsDisplayNameRightBeforeTheAngleBracket()
    {
        SipRequest request = TortureMessages.ParseRequest("lwsdisp");

        Assert.Equal("caller", request.From!.DisplayName);
        Assert.Equal("sip:caller@example.com", request.From.Uri.ToString());
        Assert.Equal("323", request.From.Tag);
    }

    [Fact]
    public void Parse_Longreq_KeepsLongValuesAndAllThirtyFourVias()
    {
        SipRequest request = TortureMessages.ParseRequest("longreq");

        Assert.Equal("I have a user name of " + string.Concat(Enumerable.Repeat("extreme", 10)) + " proportion", request.To!.DisplayName);
        SipUri to = request.To.SipUri!;
        Assert.Equal(6000, to.Port);
        Assert.Equal("very" + string.Concat(Enumerable.Repeat("long", 20)) + "value", to.Parameters.GetValue("unknownparam1"));
        Assert.Equal("shortvalue", to.Parameters.GetValue("longparam" + string.Concat(Enumerable.Repeat("name", 25))));
        Assert.True(to.Parameters.Contains("very" + string.Concat(Enumerable.Repeat("long", 25)) + "ParameterNameWithNoValue"));
        Assert.StartsWith("12982982", request.From!.Tag);
        Assert.EndsWith("2424", request.From.Tag);
        Assert.Equal(3, request.From.Parameters.Count);
        Assert.Equal(34, request.Vias.Count);
        Assert.Equal("sip33.example.com", request.Vias[0].Host);
        Assert.Equal("sip17.example.com", request.Vias[16].Host);
        Assert.Equal("192.0.2.5", request.Vias[33].Received);
        Assert.EndsWith("longcallid", request.CallId);
        Assert.Equal(150, request.Body.Length);
        Assert.StartsWith("unknown-long", request.Headers["Unknown-" + string.Concat(Enumerable.Repeat("Long", 20)) + "-Name"]);
    }

    [Fact]
    public void Parse_Dblreq_TakesOnlyTheFirstRequestOfTheDatagram()
    {
        SipParseResult result = TortureMessages.Parse("dblreq");

        SipRequest request = Assert.IsType<SipRequest>(result.Message);
        Assert.Equal(SipMethod.Register, request.Method);
        Assert.Equal("dblreq.0ha0isndaksdj99sdfafnl3lk233412", request.CallId);
        Assert.Equal(0, request.Body.Length);
        Assert.True(result.IgnoredBytes > 0);
    }

    [Fact]
    public void Parse_Semiuri_ReadsSemicolonAndEscapedAtAsPartOfTheUser()
    {
        SipRequest request = TortureMessages.ParseRequest("semiuri");

        SipUri uri = Assert.IsType<SipUri>(request.Uri);
        Assert.Equal("user;par=u@example.net", uri.User);
        Assert.Equal("example.com", uri.Host);
        Assert.Empty(uri.Parameters);
        Assert.Equal(6, request.Headers.GetValues("Accept").Count);
    }

    [Fact]
    public void Parse_Transports_AcceptsEveryTransportToken()
    {
        SipRequest request = TortureMessages.ParseRequest("transports");

        Assert.Equal(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"], request.Vias.Select(v => v.Transport));
        Assert.Equal("transports.kijh4akdnaqjkwendsasfdj", request.CallId);
    }

    [Fact]
    public void Parse_Mpart01_KeepsTheBinaryBodyByteForByte()
    {
        byte[] bytes = TortureMessages.Load("mpart01");
        SipRequest request = TortureMessages.ParseRequest("mpart01");

        Assert.Equal(SipMethod.Message, request.Method);
        Assert.Equal(553, request.Body.Length);
        int bodyStart = bytes.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        Assert.Equal(bytes.AsSpan(bodyStart, 553).ToArray(), request.Body.ToArray());
        Assert.Contains((byte)0, request.Body.ToArray());
        Assert.True(request.ContentType!.Is("multipart", "mixed"));
        Assert.Equal("7a9cbec02ceef655", request.ContentType.Parameters.GetValue("boundary"));
        Assert.True(request.TopVia!.HasRport);
        Assert.Null(request.TopVia.Rport);
    }

    [Fact]
    public void Parse_Unreason_KeepsTheUtf8ReasonPhrase()
    {
        SipResponse response = TortureMessages.ParseResponse("unreason");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("= 2**3 * 5**2 но сто девяносто девять - простое", response.ReasonPhrase);
        Assert.Equal(154, response.Body.Length);
    }

    [Fact]
    public void Parse_Noreason_AcceptsAnEmptyReasonPhrase()
    {
        SipResponse response = TortureMessages.ParseResponse("noreason");

        Assert.Equal(100, response.StatusCode);
        Assert.Equal(string.Empty, response.ReasonPhrase);
        Assert.Equal("noreason.asndj203insdf99223ndf", response.CallId);
        Assert.Equal(Encoding.UTF8.GetBytes("SIP/2.0 100 \r\n"), response.ToBytes().AsSpan(0, 14).ToArray());
    }
}

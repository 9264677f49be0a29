using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

/// <summary>
/// RFC 4475 §3.2–§3.4: syntactically valid messages whose problems are for the transaction or application layer
/// (or an RFC 2543 request to accept). They parse; where the RFC wants a 400, <see cref="SipMessage.Validate"/>
/// names the problem for the layer above.
/// </summary>
public sealed class Rfc4475ApplicationMessageTests
{
    [Fact]
    public void Parse_Badbranch_KeepsABranchThatIsOnlyTheMagicCookie()
    {
        SipRequest request = TortureMessages.ParseRequest("badbranch");

        Assert.Equal(ViaHeader.MagicCookie, request.TopVia!.Branch);
        Assert.Null(request.Validate());
    }

    [Fact]
    public void Parse_Insuf_ParsesAndValidateReportsTheMissingHeader()
    {
        SipRequest request = TortureMessages.ParseRequest("insuf");

        Assert.Null(request.CallId);
        Assert.Null(request.From);
        Assert.Equal(new SipParseError(400, "Bad Request - Missing Call-ID"), request.Validate());
    }

    [Fact]
    public void Parse_Unkscm_KeepsAnUnknownSchemeRequestUri()
    {
        SipRequest request = TortureMessages.ParseRequest("unkscm");

        OpaqueUri uri = Assert.IsType<OpaqueUri>(request.Uri);
        Assert.Equal("nobodyknowsthisscheme", uri.Scheme);
        Assert.Equal("totallyopaquecontent", uri.SchemeSpecificPart);
    }

    [Fact]
    public void Parse_Novelsc_KeepsAHierarchicalUnknownSchemeRequestUri()
    {
        SipRequest request = TortureMessages.ParseRequest("novelsc");

        OpaqueUri uri = Assert.IsType<OpaqueUri>(request.Uri);
        Assert.Equal("soap.beep", uri.Scheme);
        Assert.Equal("//192.0.2.103:3002", uri.SchemeSpecificPart);
    }

    [Fact]
    public void Parse_Unksm2_KeepsUnknownSchemesInToFromAndContact()
    {
        SipRequest request = TortureMessages.ParseRequest("unksm2");

        Assert.Equal("isbn:2983792873", request.To!.Uri.ToString());
        Assert.Equal("http", request.From!.Uri.Scheme);
        Assert.Equal("3234233", request.From.Tag);
        Assert.Equal("name:John_Smith", Assert.Single(request.Contacts).Uri!.ToString());
    }

    [Fact]
    public void Parse_Bext01_ListsUnknownRequiredExtensions()
    {
        SipRequest request = TortureMessages.ParseRequest("bext01");

        Assert.Equal(["nothingSupportsThis", "nothingSupportsThisEither"], request.Require);
        Assert.Equal(["noProxiesSupportThis", "norDoAnyProxiesSupportThis"], request.ProxyRequire);
        Assert.Equal("TLS", request.TopVia!.Transport);
    }

    [Fact]
    public void Parse_Invut_KeepsAnUnknownContentType()
    {
        SipRequest request = TortureMessages.ParseRequest("invut");

        Assert.Equal("application/unknownformat", request.ContentType!.MediaType);
        Assert.Equal(40, request.Body.Length);
    }

    [Fact]
    public void Parse_Regaut01_KeepsCredentialsOfAnUnknownScheme()
    {
        SipRequest request = TortureMessages.ParseRequest("regaut01");

        AuthorizationHeader credentials = Assert.Single(request.Authorizations);
        Assert.Equal("NoOneKnowsThisScheme", credentials.Scheme);
        Assert.False(credentials.IsDigest);
        Assert.Equal("here", credentials.Parameters.GetValue("opaque-data"));
    }

    [Fact]
    public void Parse_Multi01_ParsesAndValidateReportsRepeatedSingleHeaders()
    {
        SipRequest request = TortureMessages.ParseRequest("multi01");

        Assert.Equal(new SipParseError(400, "Bad Request - Multiple Call-ID headers"), request.Validate());
    }

    [Fact]
    public void Parse_Mcl01_ParsesAndValidateReportsConflictingContentLengths()
    {
        SipRequest request = TortureMessages.ParseRequest("mcl01");

        Assert.Equal(new SipParseError(400, "Bad Request - Conflicting Content-Length values"), request.Validate());
        Assert.Equal(SipFrameStatus.Invalid, SipMessageFramer.Find(TortureMessages.Load("mcl01")).Status);
    }

    [Fact]
    public void Parse_Bcast_KeepsABroadcastVia()
    {
        SipResponse response = TortureMessages.ParseResponse("bcast");

        Assert.Equal("255.255.255.255", response.Vias[1].Host);
        Assert.Null(response.Validate());
    }

    [Fact]
    public void Parse_Zeromf_ReadsMaxForwardsZero()
    {
        Assert.Equal(0, TortureMessages.ParseRequest("zeromf").MaxForwards);
    }

    [Fact]
    public void Parse_Cparam01_ReadsParametersAfterAnAddrSpecAsHeaderParameters()
    {
        NameAddress contact = Assert.Single(TortureMessages.ParseRequest("cparam01").Contacts).Address!;

        Assert.True(contact.Parameters.Contains("unknownparam"));
        Assert.Empty(contact.SipUri!.Parameters);
        Assert.Equal("+19725552222", contact.SipUri.User);
    }

    [Fact]
    public void Parse_Cparam02_ReadsParametersInsideAngleBracketsAsUriParameters()
    {
        NameAddress contact = Assert.Single(TortureMessages.ParseRequest("cparam02").Contacts).Address!;

        Assert.Empty(contact.Parameters);
        Assert.True(contact.SipUri!.Parameters.Contains("unknownparam"));
    }

    [Fact]
    public void Parse_Regescrt_ReadsEscapedHeadersOfABracketedContact()
    {
        SipUri contact = Assert.Single(TortureMessages.ParseRequest("regescrt").Contacts).Address!.SipUri!;

        KeyValuePair<string, string> header = Assert.Single(contact.Headers);
        Assert.Equal(new KeyValuePair<string, string>("Route", "<sip:sip.example.com>"), header);
    }

    [Fact]
    public void Parse_Sdp01_KeepsTheAcceptHeaderForTheApplication()
    {
        SipRequest request = TortureMessages.ParseRequest("sdp01");

        Assert.Equal("text/nobodyKnowsThis", request.Headers["Accept"]);
        Assert.True(request.ContentType!.IsSdp);
    }

    [Fact]
    public void Parse_Inv2543_AcceptsAnRfc2543RequestWithoutBranchOrMaxForwards()
    {
        SipRequest request = TortureMessages.ParseRequest("inv2543");

        Assert.Null(request.MaxForwards);
        Assert.Null(request.TopVia!.Branch);
        Assert.False(request.TopVia.HasRfc3261Branch);
        Assert.Equal("ss1.example.com", Assert.Single(request.RecordRoutes).SipUri!.Maddr);
        Assert.Equal("phone", request.From!.SipUri!.UserParameter);

        // RFC 3261 §20: after an addr-spec, ";user=phone" is a header parameter, not the URI's.
        Assert.Equal("phone", request.To!.Parameters.GetValue("user"));
        Assert.EndsWith("m=audio 49217 RTP/AVP 0\r\n", System.Text.Encoding.ASCII.GetString(request.Body.Span), StringComparison.Ordinal);
        Assert.Null(request.Validate());
    }
}

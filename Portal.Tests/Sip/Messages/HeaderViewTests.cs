using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

/// <summary>The typed header views: Via, CSeq, auth headers, Replaces, Event, Content-Type, token lists.</summary>
public sealed class HeaderViewTests
{
    [Theory]
    [InlineData("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776;rport", true, null)]
    [InlineData("SIP/2.0/UDP 192.0.2.10:5060;rport=5066;branch=z9hG4bK776", true, 5066)]
    [InlineData("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776", false, null)]
    public void Via_Rport_IsReadWithOrWithoutValue(string text, bool hasRport, int? rport)
    {
        ViaHeader via = ViaHeader.Parse(text);

        Assert.Equal(hasRport, via.HasRport);
        Assert.Equal(rport, via.Rport);
        Assert.Equal("z9hG4bK776", via.Branch);
        Assert.True(via.HasRfc3261Branch);
        Assert.Equal("192.0.2.10:5060", via.SentBy);
    }

    [Fact]
    public void Via_ServerSide_FillsReceivedAndRport()
    {
        ViaHeader via = ViaHeader.Parse("SIP/2.0/udp phone.example.com;branch=z9hG4bK1;rport;maddr=224.2.0.1;ttl=16");

        ViaHeader answered = via.WithReceived("198.51.100.7").WithRport(40123);

        Assert.Equal("UDP", via.Transport);
        Assert.Equal("224.2.0.1", via.Maddr);
        Assert.Equal(16, via.Ttl);
        Assert.Equal("SIP/2.0/UDP phone.example.com;branch=z9hG4bK1;rport=40123;maddr=224.2.0.1;ttl=16;received=198.51.100.7", answered.ToString());
        Assert.Equal(40123, ViaHeader.Parse(answered.ToString()).Rport);
    }

    [Theory]
    [InlineData("SIP/2.0/UDP")]
    [InlineData("SIP/2.0 UDP host")]
    [InlineData("SIP/2.0/UDP host;branch")]
    [InlineData("SIP/2.0/UDP host;ttl=300")]
    [InlineData("SIP/2.0/UDP host;rport=abc")]
    [InlineData("SIP/2.0/UDP host:99999")]
    [InlineData("SIP/2.0/UDP host;;")]
    public void Via_Malformed_IsRefused(string text)
    {
        Assert.False(ViaHeader.TryParse(text, out _));
    }

    [Fact]
    public void CSeq_RoundTrips()
    {
        Assert.Equal("4294967295 INVITE", CSeqHeader.Parse("4294967295   INVITE").ToString());
        Assert.False(CSeqHeader.TryParse("4294967296 INVITE", out _));
        Assert.False(CSeqHeader.TryParse("-1 INVITE", out _));
    }

    [Fact]
    public void Authorization_DigestCredentials_ReadsEveryParameter()
    {
        AuthorizationHeader credentials = AuthorizationHeader.Parse(
            "Digest username=\"alice\", realm=\"portal.example.com\", nonce=\"dcd98b7102dd2f0e\", uri=\"sip:192.0.2.1:5060\", " +
            "response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001, opaque=\"5ccc069c\"");

        Assert.True(credentials.IsDigest);
        Assert.Equal("alice", credentials.Username);
        Assert.Equal("portal.example.com", credentials.Realm);
        Assert.Equal("dcd98b7102dd2f0e", credentials.Nonce);
        Assert.Equal("sip:192.0.2.1:5060", credentials.Uri);
        Assert.Equal("6629fae49393a05397450978507c4ef1", credentials.Response);
        Assert.Equal("MD5", credentials.Algorithm);
        Assert.Equal("0a4f113b", credentials.Cnonce);
        Assert.Equal("auth", credentials.Qop);
        Assert.Equal("00000001", credentials.NonceCount);
        Assert.Equal("5ccc069c", credentials.Opaque);
    }

    [Fact]
    public void Authorization_CreateDigest_QuotesAsRfc2617Says()
    {
        AuthorizationHeader credentials = AuthorizationHeader.CreateDigest(
            "bob", "biloxi.example.com", "n1", "sip:bob@biloxi.example.com", "abc", "SHA-256", "c1", "auth", "00000002");

        Assert.Equal(
            "Digest username=\"bob\", realm=\"biloxi.example.com\", nonce=\"n1\", uri=\"sip:bob@biloxi.example.com\", " +
            "response=\"abc\", algorithm=SHA-256, cnonce=\"c1\", qop=auth, nc=00000002",
            credentials.ToString());
        Assert.Equal("SHA-256", AuthorizationHeader.Parse(credentials.ToString()).Algorithm);
    }

    [Fact]
    public void WwwAuthenticate_SeveralAlgorithms_AreListedInOrder()
    {
        SipResponse response = new(SipStatusCodes.Unauthorized);
        response.Headers.Add(SipHeaderNames.WwwAuthenticate, AuthenticateHeader.CreateDigest("portal", "n256", "SHA-256", opaque: "o").ToString());
        response.Headers.Add(SipHeaderNames.WwwAuthenticate, AuthenticateHeader.CreateDigest("portal", "nmd5", "MD5", stale: true).ToString());

        SipResponse parsed = Assert.IsType<SipResponse>(SipMessageParser.Parse(response.ToBytes()).Message);

        Assert.Equal(["SHA-256", "MD5"], parsed.WwwAuthenticate.Select(c => c.Algorithm));
        Assert.Equal("Digest realm=\"portal\", nonce=\"n256\", opaque=\"o\", algorithm=SHA-256, qop=\"auth\"", parsed.Headers.GetAll(SipHeaderNames.WwwAuthenticate)[0]);
        Assert.Equal(["auth"], parsed.WwwAuthenticate[0].QopOptions);
        Assert.True(parsed.WwwAuthenticate[1].Stale);
        Assert.Equal("nmd5", parsed.WwwAuthenticate[1].Nonce);
    }

    [Fact]
    public void ProxyAuthenticate_QopList_IsSplit()
    {
        AuthenticateHeader challenge = AuthenticateHeader.Parse("Digest realm=\"x\", qop=\"auth,auth-int\", nonce=\"n\"");

        Assert.Equal(["auth", "auth-int"], challenge.QopOptions);
        Assert.Equal("MD5", challenge.Algorithm);
        Assert.False(challenge.Stale);
    }

    [Fact]
    public void Replaces_ReadsCallIdTagsAndEarlyOnly()
    {
        ReplacesHeader replaces = ReplacesHeader.Parse("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only");

        Assert.Equal("425928@bobster.example.org", replaces.CallId);
        Assert.Equal("7743", replaces.ToTag);
        Assert.Equal("6472", replaces.FromTag);
        Assert.True(replaces.EarlyOnly);
        Assert.Equal("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only", new ReplacesHeader("425928@bobster.example.org", "7743", "6472", earlyOnly: true).ToString());
    }

    [Fact]
    public void ReferTo_WithEmbeddedReplaces_UnescapesTheUriHeader()
    {
        SipRequest refer = new(SipMethod.Refer, SipUri.Parse("sip:b@example.com"));
        refer.Headers.Add("r", "<sip:carol@example.com?Replaces=12345%40192.0.2.1%3Bto-tag%3D1%3Bfrom-tag%3D2>");

        SipUri target = refer.ReferTo!.SipUri!;

        Assert.Equal("12345@192.0.2.1;to-tag=1;from-tag=2", target.Headers.Single(h => h.Key == "Replaces").Value);
        Assert.Equal("1", ReplacesHeader.Parse(target.Headers[0].Value).ToTag);
    }

    [Fact]
    public void Event_ReadsPackageAndId()
    {
        EventHeader value = EventHeader.Parse("refer;id=93809824");

        Assert.Equal("refer", value.Package);
        Assert.Equal("93809824", value.Id);
    }

    [Fact]
    public void TokenLists_AllowAndSupported_AreSplitAcrossLines()
    {
        SipResponse response = new(SipStatusCodes.Ok);
        response.Headers.Add(SipHeaderNames.Allow, "INVITE, ACK,CANCEL");
        response.Headers.Add(SipHeaderNames.Allow, "BYE");
        response.Headers.Add(SipHeaderNames.Supported, string.Empty);
        response.Headers.Add(SipHeaderNames.Unsupported, "100rel");

        Assert.Equal(["INVITE", "ACK", "CANCEL", "BYE"], response.Allow);
        Assert.Empty(response.Supported);
        Assert.Equal(["100rel"], response.Unsupported);
        Assert.True(SipMessageParser.Parse(response.ToBytes()).Succeeded);
    }

    [Fact]
    public void TypedView_OfAMalformedValueAProgramAdded_ThrowsSipFormatException()
    {
        SipRequest request = new(SipMethod.Options, SipUri.Parse("sip:example.com"));
        request.Headers.Add(SipHeaderNames.CSeq, "not a cseq");

        SipFormatException e = Assert.Throws<SipFormatException>(() => request.CSeq);
        Assert.Equal(new SipParseError(400, "Bad Request - Malformed CSeq header"), e.Error);
    }

    [Fact]
    public void Expires_TooLargeOrMalformed_IsReadTolerantly()
    {
        SipRequest request = new(SipMethod.Register, SipUri.Parse("sip:example.com"));
        request.Headers.Add(SipHeaderNames.Expires, "10000000000000000000000");
        request.Headers.Add(SipHeaderNames.Contact, "<sip:a@192.0.2.1>;expires=soon");

        Assert.Equal(uint.MaxValue, request.Expires);
        Assert.Equal(3600u, request.Contacts[0].Expires);
    }
}

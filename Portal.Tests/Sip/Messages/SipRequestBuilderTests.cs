using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

public sealed class SipRequestBuilderTests
{
    private const string Invite =
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8, SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1\r\n" +
        "Via: SIP/2.0/TCP edge.example.com;branch=z9hG4bK2;received=192.0.2.99\r\n" +
        "Route: <sip:proxy.example.com;lr>\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Timestamp: 54\r\n" +
        "Contact: <sip:alice@pc33.atlanta.example.com>\r\n" +
        "Content-Length: 0\r\n\r\n";

    private static SipRequest ParseInvite() => Assert.IsType<SipRequest>(TortureMessages.ParseTextMessage(Invite));

    [Fact]
    public void CreateResponse_CopiesViasFromToCallIdAndCSeqInOrder()
    {
        SipRequest request = ParseInvite();

        SipResponse response = request.CreateResponse(SipStatusCodes.Ringing, toTag: "a6c85cf");

        Assert.Equal(180, response.StatusCode);
        Assert.Equal("Ringing", response.ReasonPhrase);
        Assert.Equal(request.Vias.Select(v => v.ToString()), response.Vias.Select(v => v.ToString()));
        Assert.Equal(2, response.Headers.CountOf(SipHeaderNames.Via));
        Assert.Equal(request.Headers[SipHeaderNames.From], response.Headers[SipHeaderNames.From]);
        Assert.Equal("a6c85cf", response.To!.Tag);
        Assert.Equal("Bob", response.To.DisplayName);
        Assert.Equal(request.CallId, response.CallId);
        Assert.Equal(request.CSeq, response.CSeq);
        Assert.False(response.Headers.Contains(SipHeaderNames.Contact));
        Assert.False(response.Headers.Contains(SipHeaderNames.Timestamp));
        Assert.Null(response.Validate());
        Assert.Contains("\r\nContent-Length: 0\r\n\r\n", response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CreateResponse_RequestToAlreadyTagged_KeepsThatTag()
    {
        SipRequest request = Assert.IsType<SipRequest>(TortureMessages.ParseTextMessage(
            Invite.Replace("To: Bob <sip:bob@biloxi.example.com>", "To: Bob <sip:bob@biloxi.example.com>;tag=existing", StringComparison.Ordinal)));

        SipResponse response = request.CreateResponse(SipStatusCodes.Ok, toTag: "new");

        Assert.Equal("existing", response.To!.Tag);
    }

    [Fact]
    public void CreateResponse_Trying_CopiesTimestamp()
    {
        SipResponse response = ParseInvite().CreateResponse(SipStatusCodes.Trying);

        Assert.Equal("54", response.Headers[SipHeaderNames.Timestamp]);
        Assert.Null(response.To!.Tag);
    }

    [Fact]
    public void CreateResponse_CustomReason_IsUsed()
    {
        SipResponse response = ParseInvite().CreateResponse(SipStatusCodes.IntervalTooBrief, "Interval Too Brief", "t");

        Assert.StartsWith("SIP/2.0 423 Interval Too Brief\r\n", response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CreateCancel_KeepsTopViaAndRoutesWithCancelCSeq()
    {
        SipRequest invite = ParseInvite();

        SipRequest cancel = invite.CreateCancel();

        Assert.Equal(SipMethod.Cancel, cancel.Method);
        Assert.Equal(invite.Uri, cancel.Uri);
        ViaHeader via = Assert.Single(cancel.Vias);
        Assert.Equal("z9hG4bKnashds8", via.Branch);
        Assert.Equal(invite.Routes.Select(r => r.ToString()), cancel.Routes.Select(r => r.ToString()));
        Assert.Equal(new CSeqHeader(314159, SipMethod.Cancel), cancel.CSeq);
        Assert.Equal(invite.CallId, cancel.CallId);
        Assert.Equal(invite.From!.Tag, cancel.From!.Tag);
        Assert.Null(cancel.To!.Tag);
        Assert.Null(cancel.Validate());
    }

    [Fact]
    public void CreateAckFor_NonSuccessResponse_TakesTheResponseTo()
    {
        SipRequest invite = ParseInvite();
        SipResponse busy = invite.CreateResponse(SipStatusCodes.BusyHere, toTag: "b7");

        SipRequest ack = invite.CreateAckFor(busy);

        Assert.Equal(SipMethod.Ack, ack.Method);
        Assert.Equal("b7", ack.To!.Tag);
        Assert.Equal("z9hG4bKnashds8", Assert.Single(ack.Vias).Branch);
        Assert.Equal(new CSeqHeader(314159, SipMethod.Ack), ack.CSeq);
        Assert.True(SipMessageParser.Parse(ack.ToBytes()).Succeeded);
    }

    [Fact]
    public void Create_FromRawHeaders_AnswersWithWhateverWasRead()
    {
        SipHeaders headers = new();
        headers.Add("v", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx");
        headers.Add("i", "raw-1");

        SipResponse response = SipResponse.Create(headers, SipStatusCodes.BadRequest, "Bad Request - Missing From");

        Assert.Equal("raw-1", response.CallId);
        Assert.Equal("z9hG4bKx", response.TopVia!.Branch);
        Assert.False(response.Headers.Contains(SipHeaderNames.From));
    }

    [Fact]
    public void SipResponse_InvalidStatusOrReason_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SipResponse(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SipResponse(700));
        Assert.Throws<ArgumentException>(() => new SipResponse(200, "OK\r\nVia: x"));
    }
}

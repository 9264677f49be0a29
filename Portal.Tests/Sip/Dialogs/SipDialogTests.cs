using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Transport;
using Portal.Tests.Sip.Transactions;

namespace Portal.Tests.Sip.Dialogs;

public sealed class SipDialogTests
{
    private static readonly SipEndPoint Phone = SipEndPoint.Parse("udp:192.0.2.10:5060");
    private static readonly SipUri OurContact = SipUri.Parse("sip:192.0.2.1:5060");
    private static readonly ViaHeader Via = ViaHeader.Parse("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnew1");

    [Fact]
    public void CreateUas_FromAnInvite_TakesTagsTargetRouteSetAndSequence()
    {
        var dialog = SipDialog.CreateUas(Invite(), "ours", OurContact, Phone);

        Assert.Equal(new DialogId("call-7@192.0.2.10", "ours", "theirs"), dialog.Id);
        Assert.Equal("sip:alice@192.0.2.10:5062", dialog.RemoteTarget.ToString());
        Assert.Equal(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"], dialog.RouteSet.Select(r => r.ToString()));
        Assert.Equal("ours", dialog.LocalUri.Tag);
        Assert.Equal("theirs", dialog.RemoteUri.Tag);
        Assert.Equal(Phone, dialog.Peer);
    }

    [Fact]
    public void CreateUas_IncomingRequestsOfTheDialog_MatchItsId()
    {
        var dialog = SipDialog.CreateUas(Invite(), "ours", OurContact, Phone);
        var bye = TransactionTestMessages.Request("BYE", toTag: "ours", fromTag: "theirs", callId: "call-7@192.0.2.10", cseq: 2);

        Assert.Equal(dialog.Id, DialogId.ForIncomingRequest(bye));
        Assert.Null(DialogId.ForIncomingRequest(TransactionTestMessages.Request("INVITE")));
    }

    [Fact]
    public void CreateUac_FromA2xx_ReversesRecordRouteAndTakesTheResponsesContact()
    {
        var invite = OurInvite();
        var ok = Answer(invite, "Record-Route: <sip:p2.example.com;lr>, <sip:p1.example.com;lr>");

        var dialog = SipDialog.CreateUac(invite, ok, OurContact, Phone);

        Assert.Equal(new DialogId("b-leg-1", "ourtag", "calleetag"), dialog.Id);
        Assert.Equal(dialog.Id, DialogId.ForResponse(ok));
        Assert.Equal(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"], dialog.RouteSet.Select(r => r.ToString()));
        Assert.Equal("sip:bob@192.0.2.20:5070", dialog.RemoteTarget.ToString());
        Assert.Equal(1U, dialog.LocalSequence);
    }

    [Fact]
    public void CreateRequest_LooseRouting_SendsToTheTargetThroughTheRouteSet()
    {
        var dialog = SipDialog.CreateUas(Invite(), "ours", OurContact, Phone);

        var bye = TransactionTestMessages.Reparse(dialog.CreateRequest(SipMethod.Bye, Via));

        Assert.Equal("sip:alice@192.0.2.10:5062", bye.Uri.ToString());
        Assert.Equal(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"], bye.Routes.Select(r => r.ToString()));
        Assert.Equal(("ours", "theirs"), (bye.From!.Tag, bye.To!.Tag));
        Assert.Equal("call-7@192.0.2.10", bye.CallId);
        Assert.Empty(bye.Contacts);
    }

    [Fact]
    public void CreateRequest_StrictRouter_BecomesTheRequestUriAndTheTargetGoesLast()
    {
        var dialog = SipDialog.CreateUas(Invite("Record-Route: <sip:strict.example.com>, <sip:p2.example.com;lr>"), "ours", OurContact, Phone);

        var bye = TransactionTestMessages.Reparse(dialog.CreateRequest(SipMethod.Bye, Via));

        Assert.Equal("sip:strict.example.com", bye.Uri.ToString());
        Assert.Equal(["<sip:p2.example.com;lr>", "<sip:alice@192.0.2.10:5062>"], bye.Routes.Select(r => r.ToString()));
    }

    [Fact]
    public void CreateRequest_EachRequest_TakesTheNextCSeq_AndTargetRefreshesCarryOurContact()
    {
        var dialog = SipDialog.CreateUas(Invite(), "ours", OurContact, Phone);
        var first = dialog.CreateRequest(SipMethod.Invite, Via);
        var second = dialog.CreateRequest(SipMethod.Info, Via);

        Assert.Equal(first.CSeq!.Number + 1, second.CSeq!.Number);
        Assert.Equal(SipMethod.Info, second.CSeq.Method);
        Assert.Equal("sip:192.0.2.1:5060", Assert.Single(first.Contacts).Uri!.ToString());
        Assert.Empty(second.Contacts);
    }

    [Fact]
    public void CreateAck_For2xx_KeepsTheInvitesSequence()
    {
        var invite = OurInvite();
        var dialog = SipDialog.CreateUac(invite, Answer(invite), OurContact, Phone);

        var ack = dialog.CreateAck(1, Via);

        Assert.Equal(new CSeqHeader(1, SipMethod.Ack), ack.CSeq);
        Assert.Equal("sip:bob@192.0.2.20:5070", ack.Uri.ToString());
        Assert.Equal(1U, dialog.LocalSequence);
    }

    [Fact]
    public void CreateRequest_AckOrCancel_IsRefused()
    {
        var dialog = SipDialog.CreateUas(Invite(), "ours", OurContact, Phone);
        Assert.Throws<ArgumentException>(() => dialog.CreateRequest(SipMethod.Ack, Via));
        Assert.Throws<ArgumentException>(() => dialog.CreateRequest(SipMethod.Cancel, Via));
    }

    [Fact]
    public void TryAcceptRemoteSequence_ALowerCSeq_IsOutOfOrder()
    {
        var dialog = SipDialog.CreateUas(Invite(), "ours", OurContact, Phone);

        Assert.True(dialog.TryAcceptRemoteSequence(TransactionTestMessages.Request("BYE", toTag: "ours", fromTag: "theirs", cseq: 5)));
        Assert.False(dialog.TryAcceptRemoteSequence(TransactionTestMessages.Request("INFO", toTag: "ours", fromTag: "theirs", cseq: 4)));
    }

    [Fact]
    public void RefreshTarget_AReinviteWithAContact_ChangesWhereRequestsAreAddressed()
    {
        var dialog = SipDialog.CreateUas(Invite(), "ours", OurContact, Phone);
        var reinvite = TransactionTestMessages.Parse(
            """
            INVITE sip:192.0.2.1:5060 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKre1
            From: <sip:alice@example.com>;tag=theirs
            To: <sip:bob@example.com>;tag=ours
            Call-ID: call-7@192.0.2.10
            CSeq: 2 INVITE
            Contact: <sip:alice@192.0.2.99:6000>
            Content-Length: 0


            """);

        dialog.RefreshTarget(reinvite);

        Assert.Equal("sip:alice@192.0.2.99:6000", dialog.RemoteTarget.ToString());
    }

    private static SipRequest Invite(string recordRoute = "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>") =>
        TransactionTestMessages.Parse(
            $"""
            INVITE sip:bob@example.com SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKinv1
            {recordRoute}
            From: "Alice" <sip:alice@example.com>;tag=theirs
            To: <sip:bob@example.com>
            Call-ID: call-7@192.0.2.10
            CSeq: 1 INVITE
            Contact: <sip:alice@192.0.2.10:5062>
            Content-Length: 0


            """);

    private static SipRequest OurInvite() =>
        TransactionTestMessages.Parse(
            """
            INVITE sip:bob@192.0.2.20 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKout1
            From: <sip:xfer-1@sip.example.test>;tag=ourtag
            To: <sip:bob@192.0.2.20>
            Call-ID: b-leg-1
            CSeq: 1 INVITE
            Contact: <sip:192.0.2.1:5060>
            Content-Length: 0


            """);

    private static SipResponse Answer(SipRequest invite, string? extra = null)
    {
        var ok = invite.CreateResponse(200, null, "calleetag");
        ok.Headers.Add("Contact", "<sip:bob@192.0.2.20:5070>");
        if (extra is not null)
        {
            var colon = extra.IndexOf(':');
            ok.Headers.Add(extra[..colon], extra[(colon + 1)..].Trim());
        }

        return TransactionTestMessages.Reparse(ok);
    }
}

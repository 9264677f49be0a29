using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Calls;

/// <summary>
/// An INVITE this service sent, findable by its Call-ID while a 2xx to it may still arrive (RFC 3261 §13.2.2.4):
/// a retransmitted 2xx after the call ended, or a late 2xx from another fork, is ACKed and hung up from it alone.
/// It holds only the request and where it went, not the leg, so an ended call is not kept alive for 64*T1 by it.
/// </summary>
internal sealed class PlacedInvite(SipRequest invite, SipEndPoint peer)
{
    public SipRequest Invite { get; } = invite;

    public SipEndPoint Peer { get; } = peer;

    /// <summary>A 2xx from a leg (or fork) that is not in the call: ACK it and hang up at once (§13.2.2.4, §15).</summary>
    public async ValueTask RefuseLateAnswerAsync(CallEnvironment environment, SipResponse answer)
    {
        SipDialog dialog = SipDialog.CreateUac(Invite, answer, environment.Addresses.ContactFor(Peer), Peer);
        await environment.Layer.SendAckAsync(dialog.CreateAck(Invite.CSeq!.Number, environment.Addresses.NewVia(Peer)), Peer);
        _ = environment.Layer.SendRequest(dialog.CreateRequest(SipMethod.Bye, environment.Addresses.NewVia(Peer)), Peer).Completion;
    }
}

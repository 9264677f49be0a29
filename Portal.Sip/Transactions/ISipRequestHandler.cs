using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Transactions;

/// <summary>
/// The transaction user (RFC 3261 §17): what the transaction layer hands up. Calls are made as messages arrive
/// and are not awaited by the receive path: a handler may take its time (a database lookup, a call), and an
/// exception it throws is logged.
/// </summary>
public interface ISipRequestHandler
{
    /// <summary>
    /// A new request: called once per server transaction, never for a retransmission, an ACK or a CANCEL (the
    /// layer answers CANCEL itself, §9.2, and signals <see cref="InviteServerTransaction.Cancelled"/>). Answer with
    /// <see cref="ServerTransaction.SendResponseAsync"/>.
    /// </summary>
    ValueTask OnRequestAsync(ServerTransaction transaction);

    /// <summary>
    /// A new INVITE outside a dialog, before any transaction is made for it: a response to send statelessly
    /// instead (RFC 3261 §8.2.7), or null to go on. The service sheds calls so when it is overloaded: a refused
    /// INVITE then costs no transaction, no timers and no state, and its retransmissions are refused alike.
    /// </summary>
    SipResponse? RefuseStatelessly(SipRequest invite) => null;

    /// <summary>
    /// An ACK that matched no INVITE server transaction awaiting one: the ACK for a 2xx, which is end to end
    /// and belongs to the dialog (§13.3.1.4, §17.2.1), or a stray one.
    /// </summary>
    ValueTask OnAckAsync(SipRequest ack, SipEndPoint remote);

    /// <summary>
    /// A response matching no client transaction, or a 2xx to an INVITE whose transaction already completed
    /// (a retransmission, or another fork's answer): the TU must ACK it again (§13.2.2.4, RFC 6026 §7.2).
    /// </summary>
    ValueTask OnStrayResponseAsync(SipResponse response, SipEndPoint remote);
}

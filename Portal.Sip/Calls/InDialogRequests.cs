using Portal.Sip.Auth;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;

namespace Portal.Sip.Calls;

/// <summary>
/// Requests inside a leg's dialog (RFC 3261 §12.2.2). A REFER is a blind transfer (see <see cref="ReferRequests"/>). A BYE is answered 200 and passed on as a BYE to the other
/// leg (DESIGN §5; before an answer it stops the setup). A re-INVITE, UPDATE or INFO is relayed to the other leg
/// as a new request in that leg's dialog, and the final response comes back; SDP is carried under each leg's own
/// origin (RFC 3264 §8). A re-INVITE's 2xx is ACKed on the far leg (with the answer from the near leg's ACK when
/// the re-INVITE had no offer) and retransmitted on the near leg until its ACK (§13.3.1.4). Offers that cross get
/// 491 (§14.2, RFC 3311 §5.2). A 408 or 481 from the far leg ends the call (§12.2.1.2).
/// </summary>
internal sealed class InDialogRequests(CallEnvironment environment, ReferRequests refers)
{
    public async Task HandleAsync(CallLeg leg, ServerTransaction transaction)
    {
        SipRequest request = transaction.Request;
        Call call = leg.Call;
        using IDisposable? scope = CallLogScope.Begin(environment.Logger, call.Number);
        if (!leg.Dialog!.TryAcceptRemoteSequence(request))
        {
            await Respond(transaction, SipStatusCodes.ServerInternalError, "Server Internal Error - CSeq out of order");
            return;
        }

        switch (request.Method.Name)
        {
            case "BYE":
                leg.PeerHungUp = true;
                await Respond(transaction, SipStatusCodes.Ok, "OK");
                await call.HangUpAsync(ReferenceEquals(leg, call.Caller) ? CallManager.CallerHungUp : CallManager.CalleeHungUp, leg);
                return;
            case "OPTIONS":
                SipResponse ok = transaction.Request.CreateResponse(SipStatusCodes.Ok);
                ok.Headers.Add(SipHeaderNames.Allow, string.Join(", ", CallManager.AllowedInDialog));
                await transaction.SendResponseAsync(ok);
                return;
            case "INVITE" or "UPDATE" or "INFO":
                await RelayAsync(leg, transaction);
                return;
            case "REFER":
                await refers.HandleAsync(leg, transaction);
                return;
            default:
                SipResponse notAllowed = transaction.Request.CreateResponse(SipStatusCodes.MethodNotAllowed);
                notAllowed.Headers.Add(SipHeaderNames.Allow, string.Join(", ", CallManager.AllowedInDialog));
                await transaction.SendResponseAsync(notAllowed);
                return;
        }
    }

    private async Task RelayAsync(CallLeg leg, ServerTransaction transaction)
    {
        SipRequest request = transaction.Request;
        Call call = leg.Call;
        bool isOffer = request.Method == SipMethod.Invite || request.Method == SipMethod.Update;
        CallLeg? other = call.OtherLeg(leg);
        if (other?.Dialog is null || !TryBeginOffer(call, leg, other, isOffer))
        {
            // Not answered yet (this service relays nothing in early dialogs), or an offer is already in flight.
            await Respond(transaction, SipStatusCodes.RequestPending, "Request Pending");
            return;
        }

        try
        {
            ClientTransaction forwarded = other.SendRequest(request.Method, request.Body, CallLeg.BodyHeaders(request));
            SipResponse response = await forwarded.Completion;
            if (response.IsSuccess && SipDialog.IsTargetRefresh(request.Method))
            {
                leg.Dialog!.RefreshTarget(request);
                other.Dialog.RefreshTarget(response);
            }

            if (response.IsSuccess && isOffer)
            {
                leg.RememberPeerSession(request);
                other.RememberPeerSession(response);
            }

            if (request.Method == SipMethod.Invite && response.IsSuccess)
            {
                await AnswerReinviteAsync(leg, other, transaction, forwarded.Request, response);
            }
            else
            {
                await transaction.SendResponseAsync(Relayed(leg, request, response));
            }

            if (response.StatusCode is SipStatusCodes.RequestTimeout or SipStatusCodes.CallOrTransactionDoesNotExist)
            {
                await call.HangUpAsync($"{response.StatusCode} {response.ReasonPhrase} to a {request.Method.Name}", other);
            }
        }
        finally
        {
            if (isOffer)
            {
                lock (call.Gate)
                {
                    leg.OfferPending = other.OfferPending = false;
                }
            }
        }
    }

    private async Task AnswerReinviteAsync(CallLeg leg, CallLeg other, ServerTransaction transaction, SipRequest forwarded, SipResponse response)
    {
        uint sequence = forwarded.CSeq!.Number;
        if (!forwarded.Body.IsEmpty)
        {
            await other.SendAckAsync(sequence);
        }
        else
        {
            // No offer in the re-INVITE: the 2xx carries one, and the near leg's ACK the answer to pass on.
            leg.AckRelay = (other, other.Dialog!.CreateAck(sequence, environment.Addresses.NewVia(other.Peer)));
        }

        leg.Answer?.Dispose();
        AnswerRetransmission answer = new(transaction, Relayed(leg, transaction.Request, response), environment.Layer,
            () => _ = leg.Call.HangUpAsync("no ACK for a re-INVITE"));
        leg.Answer = answer;
        await answer.StartAsync();
    }

    private static bool TryBeginOffer(Call call, CallLeg leg, CallLeg other, bool isOffer)
    {
        if (!isOffer)
        {
            return true;
        }

        lock (call.Gate)
        {
            if (leg.OfferPending || other.OfferPending)
            {
                return false;
            }

            leg.OfferPending = other.OfferPending = true;
            return true;
        }
    }

    /// <summary>The far leg's response as the near leg's peer gets it: same status and reason, our Contact, the body under the near leg's origin.</summary>
    private static SipResponse Relayed(CallLeg leg, SipRequest request, SipResponse response)
    {
        SipResponse relayed = request.CreateResponse(response.StatusCode, response.ReasonPhrase, SipTags.NewTag());
        if (response.IsSuccess && SipDialog.IsTargetRefresh(request.Method))
        {
            relayed.Headers.Add(SipHeaderNames.Contact, new NameAddress(leg.Dialog!.LocalContact).ToString());
        }

        foreach ((string name, string value) in CallLeg.BodyHeaders(response))
        {
            relayed.Headers.Add(name, value);
        }

        relayed.Body = leg.RewriteBody(response.Body, response.Headers.GetFirst(SipHeaderNames.ContentType));
        return relayed;
    }

    private static ValueTask Respond(ServerTransaction transaction, int status, string reason) =>
        transaction.SendResponseAsync(transaction.Request.CreateResponse(status, reason, SipTags.NewTag()));
}

using System.Globalization;
using System.Text;

using Portal.Sip.Auth;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;
using Portal.Sip.Calls.Admission;

namespace Portal.Sip.Calls.Transfers;

/// <summary>
/// REFER from a party in an answered call (RFC 3515): a blind transfer of the other party to the Refer-To user,
/// routed by the owner's <c>transfer</c> dialplan like a call manager request. Only a party that authenticated as
/// one of the owner's SIP accounts may send one, unless the call's account lets its callers transfer (DESIGN §10,
/// <see cref="Call.MayRefer"/>); it counts against the owner's transfer rate limit, shared with the call manager
/// API. The REFER gets 202, then NOTIFYs in its dialog report the new leg's progress as a sipfrag (100 Trying, 180
/// Ringing, the final status), the last one ending the implicit subscription. On an answer the referring party's
/// leg gets a BYE and the other party is bridged to the target. Attended transfer (a Refer-To with Replaces,
/// RFC 3891) is refused with 501. Every refusal by policy is a 403 with its reason, logged and audited
/// (<see cref="CallRefusals"/>), and nothing is dialled.
/// </summary>
internal sealed class ReferRequests(CallEnvironment environment, CallTransfers transfers, CallRefusals refusals, ITransferRateLimit? rateLimit)
{
    private const string SipFragType = "message/sipfrag;version=2.0";

    public async Task HandleAsync(CallLeg leg, ServerTransaction transaction)
    {
        // Off the receive path at once: starting a transfer reads the database, and some providers of it block (SQLite).
        await Task.Yield();
        SipRequest request = transaction.Request;
        Call call = leg.Call;
        if (!call.MayRefer(leg))
        {
            await RefuseAsync(transaction, call, "not-allowed",
                "only the call owner's own phones may transfer this call", "Forbidden - only the call owner's phones may transfer this call");
            return;
        }

        if (request.Headers.GetAll(SipHeaderNames.ReferTo).Count() != 1 || request.ReferTo is not { } referTo)
        {
            await Respond(transaction, SipStatusCodes.BadRequest, "Bad Request - exactly one Refer-To is needed");
            return;
        }

        if (referTo.Uri is not SipUri target)
        {
            await Respond(transaction, SipStatusCodes.UnsupportedUriScheme, "Unsupported URI Scheme - Refer-To must be a sip: or sips: URI");
            return;
        }

        if (target.Headers.Any(h => string.Equals(h.Key, SipHeaderNames.Replaces, StringComparison.OrdinalIgnoreCase)))
        {
            await Respond(transaction, SipStatusCodes.NotImplemented, "Not Implemented - attended transfer (Replaces) is not supported");
            return;
        }

        if (!TransferDestination.IsValid(target.User))
        {
            await Respond(transaction, SipStatusCodes.BadRequest, "Bad Request - the Refer-To user is not a destination: " + TransferDestination.Rule);
            return;
        }

        // DESIGN §10: past the owner's transfer rate a REFER is refused like any other it may not send (403, not 503:
        // a phone that sees 503 with Retry-After may send it again by itself).
        if (rateLimit is not null && !rateLimit.TryAcquire(call.Route.OwnerId, out TimeSpan retryAfter))
        {
            string wait = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await RefuseAsync(transaction, call, "rate",
                $"too many transfer requests for this user (CallManager:RateLimit:PerUserPerMinute); retry in {wait} s",
                $"Forbidden - too many transfers for this user, try again in {wait} s");
            return;
        }

        Subscription subscription = new(leg, request.CSeq!.Number, environment);
        TransferStartResult result = await transfers.StartAsync(call, leg, target.User!, "REFER", subscription.OnProgress,
            environment.Time.GetTimestamp(), CancellationToken.None);
        switch (result.Outcome)
        {
            case TransferStartOutcome.Started:
                await Respond(transaction, SipStatusCodes.Accepted, "Accepted");
                subscription.Accept();
                string source = transaction.Remote.EndPoint.Address is { IsIPv4MappedToIPv6: true } mapped
                    ? mapped.MapToIPv4().ToString()
                    : transaction.Remote.EndPoint.Address.ToString();
                TransferSnapshot started = result.Transfer!;
                call.Records.Add(call.Snapshot(), (sink, s) => sink.TransferRequestedAsync(s, started, source));
                return;
            case TransferStartOutcome.AlreadyTransferring:
                await Respond(transaction, SipStatusCodes.RequestPending, "Request Pending - a transfer of this call is in progress");
                return;
            case TransferStartOutcome.TooManyTransfers:
                await RefuseAsync(transaction, call, "count", result.Problem!, "Forbidden - " + result.Problem);
                return;
            default:
                await Respond(transaction, SipStatusCodes.Forbidden, "Forbidden - " + result.Problem);
                return;
        }
    }

    /// <summary>A 403 by policy: logged once per source and minute, audited under the call's owner (DESIGN §10).</summary>
    private async Task RefuseAsync(ServerTransaction transaction, Call call, string kind, string detail, string reason)
    {
        refusals.Report(
            new CallRefusal(CallRefusal.ReferRefused, call.Route.OwnerId, call.Route.OwnerUserName, "REFER", $"call {call.Number.ToString(CultureInfo.InvariantCulture)}",
                $"REFER refused: {detail}", null),
            transaction.Remote.EndPoint.Address, call.Id + " " + kind);
        await Respond(transaction, SipStatusCodes.Forbidden, reason);
    }

    private static ValueTask Respond(ServerTransaction transaction, int status, string reason)
    {
        SipResponse response = transaction.Request.CreateResponse(status, reason, SipTags.NewTag());
        if (status == SipStatusCodes.NotImplemented)
        {
            response.Headers.Add(SipHeaderNames.Allow, string.Join(", ", CallManager.AllowedInDialog));
        }

        return transaction.SendResponseAsync(response);
    }

    /// <summary>
    /// The implicit subscription a REFER makes (RFC 3515 §2.4.4): NOTIFYs in the referrer's dialog, in order, none
    /// before the 202 has gone. Progress that comes before is held until then.
    /// </summary>
    private sealed class Subscription(CallLeg leg, uint referSequence, CallEnvironment environment)
    {
        private readonly Lock _gate = new();
        private readonly List<TransferSnapshot> _held = [];
        private bool _accepted;
        private bool _terminated;

        public void Accept()
        {
            List<TransferSnapshot> held;
            lock (_gate)
            {
                _accepted = true;
                Send("SIP/2.0 100 Trying", terminated: false);
                held = [.. _held];
                _held.Clear();
                foreach (TransferSnapshot snapshot in held)
                {
                    Notify(snapshot);
                }
            }
        }

        public void OnProgress(TransferSnapshot transfer)
        {
            lock (_gate)
            {
                if (!_accepted)
                {
                    _held.Add(transfer);
                    return;
                }

                Notify(transfer);
            }
        }

        private void Notify(TransferSnapshot transfer)
        {
            switch (transfer.State)
            {
                case TransferState.Ringing:
                    Send("SIP/2.0 180 Ringing", terminated: false);
                    break;
                case TransferState.Answered:
                    Send("SIP/2.0 200 OK", terminated: true);
                    break;
                case TransferState.Failed:
                    int status = transfer.Status is >= 300 and <= 699 ? transfer.Status.Value : SipStatusCodes.ServerInternalError;
                    Send($"SIP/2.0 {status.ToString(CultureInfo.InvariantCulture)} {SipStatusCodes.GetReasonPhrase(status)}", terminated: true);
                    break;
            }
        }

        /// <summary>One NOTIFY, sent at once so that NOTIFYs (and a BYE after the last) leave in order. Under the gate.</summary>
        private void Send(string sipfrag, bool terminated)
        {
            if (_terminated || leg.PeerHungUp || leg.Dialog is null || leg.Call.IsEnded)
            {
                return;
            }

            _terminated = terminated;
            List<KeyValuePair<string, string>> headers =
            [
                new(SipHeaderNames.Event, "refer;id=" + referSequence.ToString(CultureInfo.InvariantCulture)),
                new(SipHeaderNames.SubscriptionState, terminated ? "terminated;reason=noresource" : "active;expires=60"),
                new(SipHeaderNames.ContentType, SipFragType),
            ];
            try
            {
                _ = leg.SendRequest(SipMethod.Notify, Encoding.UTF8.GetBytes(sipfrag + "\r\n"), headers).Completion;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                CallLog.StepFailed(environment.Logger, e, leg.Call.Number, "sending a NOTIFY for a REFER");
            }
        }
    }
}

using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;

namespace Portal.Sip.Calls;

/// <summary>
/// Blind transfer of an answered call (DESIGN §2 steps 4–5): one at a time; when the new party answers, the
/// replaced leg gets a BYE and the remaining one a re-INVITE with the new party's SDP under its own origin
/// (RFC 3264 §8: same origin, version plus one), whose answer the new party is re-INVITEd with when it differs from
/// what that party was offered (RFC 3725); when it fails, nothing changes for the remaining party.
/// </summary>
internal sealed partial class Call
{
    /// <summary>How often a re-INVITE refused with 491 is tried again (RFC 3261 §14.1), at a random 0–2 s interval.</summary>
    private const int ReinviteAttempts = 3;

    /// <summary>The transfer in progress, or the last one; null when the call was never transferred.</summary>
    public Transfer? CurrentTransfer
    {
        get
        {
            lock (Gate)
            {
                return _transfer;
            }
        }
    }

    /// <summary>The leg with this SIP Call-ID that is still in the call (connected, or being set up); null when none is.</summary>
    public CallLeg? FindLegByCallId(string callId)
    {
        lock (Gate)
        {
            return LiveLegs().FirstOrDefault(l => string.Equals(l.CallId, callId, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The leg still in the call whose From or To user part is exactly <paramref name="user"/>; when both sides of the
    /// call match, the placed side (a voice app is usually the party that was dialled). Null when none does.
    /// </summary>
    public CallLeg? FindLegByUser(string user)
    {
        lock (Gate)
        {
            return LiveLegs()
                .Where(l => string.Equals(l.FromUser, user, StringComparison.Ordinal) || string.Equals(l.ToUser, user, StringComparison.Ordinal))
                .OrderBy(l => l is CallerLeg ? 1 : 0)
                .FirstOrDefault();
        }
    }

    /// <summary>
    /// Whether <paramref name="leg"/> may transfer this call with REFER (DESIGN §10): it authenticated as a SIP
    /// account of the call's owner — the caller of a call one of the owner's accounts placed, or one of the owner's
    /// own phones rung through <c>local</c> — or the call's account lets its callers transfer. Never an anonymous
    /// caller, nor a party that was dialled directly or through a provider.
    /// </summary>
    public bool MayRefer(CallLeg leg) =>
        Route.CallersMayTransfer || leg switch
        {
            CallerLeg => Route.CallerOwnerId == Route.OwnerId,
            CalleeLeg placed => placed.DialTarget.LocalAccount?.OwnerId == Route.OwnerId,
            _ => false,
        };

    /// <summary>
    /// Starts a transfer that replaces <paramref name="replaced"/> (by default the placed side of the call), unless
    /// the call is not answered or another transfer is pending.
    /// </summary>
    public Transfer? BeginTransfer(Func<CallLeg, CallLeg, Transfer> create, CallLeg? replaced, out TransferStartOutcome refusal)
    {
        Transfer transfer;
        lock (Gate)
        {
            if (State != CallState.Answered || _connected is not var (a, b))
            {
                refusal = TransferStartOutcome.NotAnswered;
                return null;
            }

            if (_transfer is { IsPending: true })
            {
                refusal = TransferStartOutcome.AlreadyTransferring;
                return null;
            }

            if (_transfersStarted >= _environment.Limits.MaxTransfersPerCall)
            {
                refusal = TransferStartOutcome.TooManyTransfers;
                return null;
            }

            replaced ??= b;
            CallLeg? remaining = ReferenceEquals(replaced, a) ? b : ReferenceEquals(replaced, b) ? a : null;
            if (remaining is null || replaced.State != CallLegState.Answered || remaining.State != CallLegState.Answered)
            {
                refusal = TransferStartOutcome.NotAnswered;
                return null;
            }

            transfer = create(replaced, remaining);
            _transfer = transfer;
            _transfersStarted++;
        }

        DropEndedLegs();
        refusal = TransferStartOutcome.Started;
        RaiseTransferChanged();
        return transfer;
    }

    /// <summary>
    /// A new leg answered the transfer: it takes the replaced leg's place, is ACKed, the replaced leg gets a BYE and
    /// the remaining party a re-INVITE with the new party's SDP. When the call ended or the transfer finished
    /// meanwhile, the new leg is hung up instead.
    /// </summary>
    public async Task<bool> CompleteTransferAsync(Transfer transfer, CalleeLeg leg, SipResponse answer)
    {
        DateTimeOffset now = _environment.Time.GetUtcNow();
        CallLeg replaced = transfer.ReplacedLeg;
        CallLeg remaining = transfer.RemainingLeg;
        bool connect;
        bool byeReplaced = false;
        TransactionTimer? previousLimit = null;
        lock (Gate)
        {
            connect = State == CallState.Answered && transfer.IsPending && !transfer.Cancelled.IsCancellationRequested
                && ReferenceEquals(_transfer, transfer) && _connected is not null;
            if (connect)
            {
                (CallLeg a, CallLeg b) = _connected!.Value;
                _connected = ReferenceEquals(a, replaced) ? (leg, b) : (a, leg);
                leg.State = CallLegState.Answered;
                leg.AnsweredAt = now;
                byeReplaced = replaced.State == CallLegState.Answered;
                replaced.State = replaced.State == CallLegState.Answered ? CallLegState.Ended : replaced.State;
                replaced.EndedAt ??= now;
                remaining.OfferPending = leg.OfferPending = true;
                // DESIGN §10: a transfer never lengthens the call. The new leg's cd counts from the first answer too,
                // and can only bring the end forward.
                DateTimeOffset deadline = AnsweredAt!.Value + leg.MaxDuration;
                if (deadline < _deadline)
                {
                    _deadline = deadline;
                    previousLimit = _maxDuration;
                    _maxDuration = StartMaxDuration(deadline - now);
                }
            }
            else
            {
                AnsweredTooLate(leg, now);
            }
        }

        if (!connect)
        {
            await leg.RefuseLateAnswerAsync(answer);
            return false;
        }

        previousLimit?.Dispose();
        Forget(replaced);
        SipRequest? pendingAck = await leg.ConfirmAsync(answer);
        // The outcome first: a REFER's final NOTIFY goes out before the BYE that ends the transferor's dialog.
        transfer.Answered(leg, answer);
        if (byeReplaced)
        {
            replaced.SendBye();
        }

        Raise(CallEventKind.LegChanged);
        await ReinviteRemainingAsync(transfer, leg, answer, pendingAck);
        return true;
    }

    /// <summary>A transfer failed. When the replaced party left while it was pending, nobody is left for the other: it gets a BYE.</summary>
    public Task OnTransferFailedAsync(Transfer transfer)
    {
        bool alone;
        lock (Gate)
        {
            alone = State == CallState.Answered && transfer.ReplacedLeg.State == CallLegState.Ended;
        }

        return alone
            ? HangUpAsync($"transfer to {transfer.Destination} failed ({transfer.Reason}) after the other party had hung up", transfer.ReplacedLeg)
            : Task.CompletedTask;
    }

    /// <summary>A transfer's outcome goes to the call's records (where the call was transferred to).</summary>
    public void OnTransferFinished(TransferSnapshot transfer)
    {
        CallSnapshot snapshot = Snapshot();
        Records.Add(snapshot, (sink, s) => sink.TransferFinishedAsync(s, transfer));
        DropEndedLegs();
    }

    public void RaiseTransferChanged() => Raise(CallEventKind.TransferChanged);

    /// <summary>
    /// The re-INVITE that moves the remaining party's media to the new party. Its answer completes the exchange the
    /// new party is in (RFC 3725 §4.1 flow I, from the controller's side): with a late offer it goes in the new leg's
    /// ACK; when the new leg's INVITE carried the remaining party's earlier SDP and the answer differs from it
    /// (another port, codec, address), the new party is re-INVITEd with it, so it ends up with the description the
    /// remaining party really uses. A refusal of the remaining leg's re-INVITE ends the call, since the party that
    /// left can no longer be talked to.
    /// </summary>
    private async Task ReinviteRemainingAsync(Transfer transfer, CalleeLeg added, SipResponse answer, SipRequest? pendingAck)
    {
        CallLeg remaining = transfer.RemainingLeg;
        try
        {
            if (await ReinviteAsync(remaining, answer.Body, CallLeg.BodyHeaders(answer)) is not { } response)
            {
                return;
            }

            if (!response.IsSuccess)
            {
                CallLog.TransferReinviteRefused(_environment.Logger, Number, transfer.Id, response.StatusCode, response.ReasonPhrase);
                await HangUpAsync($"the re-INVITE after the transfer was refused: {response.StatusCode} {response.ReasonPhrase}");
                return;
            }

            if (pendingAck is not null)
            {
                // The new party made the offer in its 2xx: the remaining party's answer goes in our ACK.
                added.AddBody(pendingAck, response.Body, CallLeg.BodyHeaders(response));
                added.LastAck = pendingAck;
                await _environment.Layer.SendAckAsync(pendingAck, added.Peer);
                return;
            }

            if (response.Body.IsEmpty || SdpOrigin.SameApartFromOrigin(added.OfferedBody.Span, response.Body.Span))
            {
                return;
            }

            CallLog.TransferMediaChanged(_environment.Logger, Number, transfer.Id);
            if (await ReinviteAsync(added, response.Body, CallLeg.BodyHeaders(response)) is { IsSuccess: false } refused)
            {
                CallLog.TransferReinviteRefused(_environment.Logger, Number, transfer.Id, refused.StatusCode, refused.ReasonPhrase);
                if (refused.StatusCode is SipStatusCodes.RequestTimeout or SipStatusCodes.CallOrTransactionDoesNotExist)
                {
                    await HangUpAsync($"{refused.StatusCode} {refused.ReasonPhrase} to the re-INVITE after the transfer", added);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            CallLog.StepFailed(_environment.Logger, e, Number, "re-INVITE after a transfer");
            await HangUpAsync("the re-INVITE after the transfer could not be sent");
        }
        finally
        {
            lock (Gate)
            {
                remaining.OfferPending = added.OfferPending = false;
            }
        }
    }

    /// <summary>
    /// A re-INVITE on <paramref name="leg"/> with <paramref name="body"/> as the offer; a 2xx is ACKed and its SDP kept
    /// as the peer's. A 491 is tried again after a random 0–2 s (RFC 3261 §14.1: we do not own the leg's Call-ID).
    /// Returns the final response, or null when the call ended first.
    /// </summary>
    private async Task<SipResponse?> ReinviteAsync(CallLeg leg, ReadOnlyMemory<byte> body, IEnumerable<KeyValuePair<string, string>> headers)
    {
        for (int attempt = 1; ; attempt++)
        {
            if (IsEnded)
            {
                return null;
            }

            ClientTransaction reinvite = leg.SendRequest(SipMethod.Invite, body, headers);
            SipResponse response = await reinvite.Completion;
            if (response.IsSuccess)
            {
                leg.Dialog!.RefreshTarget(response);
                leg.RememberPeerSession(response);
                await leg.SendAckAsync(reinvite.Request.CSeq!.Number);
                return response;
            }

            if (response.StatusCode != SipStatusCodes.RequestPending || attempt >= ReinviteAttempts)
            {
                return response;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 2000)), _environment.Time);
        }
    }

    /// <summary>The legs still in the call: the connected pair once answered, else the caller's and those being set up. Under the gate.</summary>
    private IEnumerable<CallLeg> LiveLegs() =>
        _connected is var (a, b)
            ? new[] { a, b }.Where(l => l.State == CallLegState.Answered)
            : new CallLeg[] { Caller }.Concat(_callees.Where(l => l.State is CallLegState.Trying or CallLegState.Ringing));
}

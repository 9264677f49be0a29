using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls.Records;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;

namespace Portal.Sip.Calls;

/// <summary>The placed legs of a call: adding them, their progress, and connecting the one that answers.</summary>
internal sealed partial class Call
{
    Call IDialOwner.Call => this;

    /// <summary>A leg of the call's setup: it offers the caller's SDP, with the caller's identity.</summary>
    public CalleeLeg AddLeg(DialTarget target, TimeSpan ringTime, TimeSpan maxDuration) =>
        AddCallee(CallLegRole.Callee, target, LegOffer.From(Caller.Invite.Request), ringTime, maxDuration);

    void IDialOwner.OnLegStarted(CalleeLeg leg)
    {
    }

    public CalleeLeg AddCallee(CallLegRole role, DialTarget target, LegOffer offer, TimeSpan ringTime, TimeSpan maxDuration)
    {
        CalleeLeg leg = new(this, _environment, role, target, offer, ringTime, maxDuration);
        lock (Gate)
        {
            _callees.Add(leg);
        }

        Raise(CallEventKind.LegChanged);
        return leg;
    }

    /// <summary>Records a leg's new state; a failed leg keeps its status.</summary>
    public void SetLegState(CallLeg leg, CallLegState state, int? status = null)
    {
        bool ended;
        lock (Gate)
        {
            if (leg.State is CallLegState.Failed or CallLegState.Ended)
            {
                return;
            }

            leg.State = state;
            leg.Status = status ?? leg.Status;
            if (state is CallLegState.Failed or CallLegState.Ended)
            {
                leg.EndedAt = _environment.Time.GetUtcNow();
            }

            ended = State == CallState.Ended;
        }

        if (!ended)
        {
            Raise(CallEventKind.LegChanged);
        }
    }

    /// <summary>A placed leg's 180/183: relayed to the caller with its SDP (DESIGN §5) while nobody has answered.</summary>
    public async Task OnProvisionalAsync(CalleeLeg leg, SipResponse response)
    {
        if (response.StatusCode == SipStatusCodes.Trying)
        {
            return;
        }

        bool first;
        lock (Gate)
        {
            if (State is not (CallState.Trying or CallState.Ringing) || leg.IsAbandoned || SetupCancelled.IsCancellationRequested)
            {
                return;
            }

            leg.State = CallLegState.Ringing;
            first = State == CallState.Trying;
            State = CallState.Ringing;
            Caller.State = CallLegState.Ringing;
        }

        await Caller.SendProvisionalAsync(response);
        Raise(first ? CallEventKind.Ringing : CallEventKind.LegChanged);
    }

    /// <summary>
    /// The leg that answered first: its dialog is confirmed and ACKed, the caller gets the 2xx with its SDP, and
    /// the maximum call duration starts. When the caller has meanwhile cancelled, the leg is hung up instead.
    /// </summary>
    public async Task<bool> ConnectAsync(CalleeLeg leg, SipResponse answer)
    {
        DateTimeOffset now = _environment.Time.GetUtcNow();
        bool connect;
        lock (Gate)
        {
            connect = State is CallState.Trying or CallState.Ringing && !SetupCancelled.IsCancellationRequested;
            if (connect)
            {
                State = CallState.Answered;
                _connected = (Caller, leg);
                AnsweredAt = leg.AnsweredAt = Caller.AnsweredAt = now;
                leg.State = Caller.State = CallLegState.Answered;
                _deadline = now + leg.MaxDuration;
                _maxDuration = StartMaxDuration(leg.MaxDuration);
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

        // Reported before anything is sent, so the answer is always recorded before the end.
        CallLog.Answered(_environment.Logger, Number, leg.Target);
        CallSnapshot snapshot = Snapshot();
        _manager.Raise(new CallEvent(CallEventKind.Answered, snapshot));
        Records.Add(snapshot, static (sink, s) => sink.CallAnsweredAsync(s));
        SipRequest? pendingAck = await leg.ConfirmAsync(answer);
        if (pendingAck is not null)
        {
            Caller.AckRelay = (leg, pendingAck);
        }

        await Caller.AnswerAsync(answer, () => _ = HangUpAsync("no ACK from the caller"));
        return true;
    }

    /// <summary>A leg whose 2xx came after the call (or the transfer) had moved on: it counts as given up (487). Under the gate.</summary>
    private static void AnsweredTooLate(CalleeLeg leg, DateTimeOffset now)
    {
        leg.State = CallLegState.Failed;
        leg.Status = SipStatusCodes.RequestTerminated;
        leg.EndedAt = now;
    }

    /// <summary>
    /// Hangs the call up (both legs get a BYE) in <paramref name="dueTime"/>: when its longest duration, counted from
    /// the first answer (<c>cd</c>, else <c>Sip:DefaultMaxCallSeconds</c>), is reached. It runs on the transaction
    /// layer's one timer queue, like the call's transaction timers.
    /// </summary>
    private TransactionTimer StartMaxDuration(TimeSpan dueTime)
    {
        TransactionTimer timer = new(_environment.Layer.TimerQueue, () => _ = HangUpAsync("maximum call duration reached"));
        timer.Start(dueTime > TimeSpan.Zero ? dueTime : TimeSpan.Zero);
        return timer;
    }
}

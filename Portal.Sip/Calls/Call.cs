using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Tracing;
using Portal.Sip.Transactions;

namespace Portal.Sip.Calls;

/// <summary>
/// One call through the B2BUA (DESIGN §5): the caller's leg, the legs placed for it, its state and times. It
/// connects the leg that answers to the caller, relays provisional responses, hangs up both sides when either
/// does (or a limit is reached), and reports every change as an event and a call record. State is guarded by
/// <see cref="Gate"/>; messages are sent outside it.
/// </summary>
internal sealed partial class Call : IDialOwner
{
    private readonly CallManager _manager;
    private readonly CallEnvironment _environment;
    private readonly List<CalleeLeg> _callees = [];
    private readonly CancellationTokenSource _setup = new();
    private readonly CancellationTokenRegistration _cancelledByCaller;
    private TransactionTimer? _maxDuration;
    private DateTimeOffset _deadline = DateTimeOffset.MaxValue;
    private int _transfersStarted;
    private (CallLeg A, CallLeg B)? _connected;
    private Transfer? _transfer;

    public Call(CallManager manager, CallEnvironment environment, string id, long number, InviteRoute route, InviteServerTransaction invite)
    {
        _manager = manager;
        _environment = environment;
        Id = id;
        Number = number;
        Route = route;
        Caller = new CallerLeg(this, environment, invite);
        StartedAt = Caller.StartedAt;
        // Not a linked source: the INVITE's transaction lingers for 64*T1 after the call, and the registration a
        // linked source leaves on it would keep this source, and whatever is still registered on it, alive that
        // long; this one is let go when the call ends.
        _cancelledByCaller = invite.Cancelled.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _setup);
        Records = new CallRecordQueue(environment.Records, environment.Logger, number);
    }

    public Lock Gate { get; } = new();

    /// <summary>The call's SIP messages, every leg's; null when nothing is traced.</summary>
    public CallTrace? Trace { get; set; }

    /// <summary>Where this call's records go, in order.</summary>
    public CallRecordQueue Records { get; }

    public string Id { get; }

    public long Number { get; }

    public InviteRoute Route { get; }

    public CallerLeg Caller { get; }

    public CallState State { get; private set; }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? AnsweredAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Fires when the caller CANCELs, or the call is hung up before an answer: stop dialling.</summary>
    public CancellationToken SetupCancelled => _setup.Token;

    /// <summary>Why the setup was cut short by this side or a BYE; null when the caller CANCELled (or it was not).</summary>
    public string? AbortReason { get; private set; }

    public bool IsEnded
    {
        get
        {
            lock (Gate)
            {
                return State == CallState.Ended;
            }
        }
    }

    public CallSnapshot Snapshot()
    {
        lock (Gate)
        {
            SipRequest invite = Caller.Invite.Request;
            return new CallSnapshot(Id, Number, Route.OwnerId, Route.OwnerUserName, Route.Direction, Route.AccountUsername, Route.DialplanName,
                invite.From?.Uri.ToString() ?? "", invite.Uri.ToString(), State, StartedAt, AnsweredAt, EndedAt,
                [Caller.Snapshot(), .. _callees.Select(l => l.Snapshot())], _transfer?.Snapshot());
        }
    }

    /// <summary>
    /// The leg connected to <paramref name="leg"/>; null before the answer, and when either is not in the call (any
    /// more): a leg a transfer replaced, or one that hung up while a transfer was pending.
    /// </summary>
    public CallLeg? OtherLeg(CallLeg leg)
    {
        lock (Gate)
        {
            if (State != CallState.Answered || _connected is not var (a, b))
            {
                return null;
            }

            CallLeg? other = ReferenceEquals(leg, a) ? b : ReferenceEquals(leg, b) ? a : null;
            return other?.State == CallLegState.Answered ? other : null;
        }
    }

    /// <summary>Answers the caller with a failure and ends the call, unless it was answered or ended meanwhile.</summary>
    public async Task FailAsync(int status, string reason, string endStatus, string endReason)
    {
        lock (Gate)
        {
            if (State is CallState.Answered or CallState.Ended)
            {
                return;
            }

            Caller.Status = status;
        }

        await Caller.RejectAsync(status, reason);
        End(endStatus, endReason);
    }

    /// <summary>Stops dialling: the setup then answers the caller and ends the call.</summary>
    public void AbortSetup(string reason)
    {
        lock (Gate)
        {
            if (State is CallState.Answered or CallState.Ended)
            {
                return;
            }

            AbortReason ??= reason;
        }

        _setup.Cancel();
    }

    /// <summary>The call has ended: the caller's INVITE transaction no longer needs to reach it.</summary>
    internal void ReleaseInvite() => _cancelledByCaller.Dispose();

    /// <summary>
    /// Hangs up: BYE to every answered leg but <paramref name="from"/> (the side that hung up), then the call ends
    /// (DESIGN §5: BYE cascades). Before an answer it stops the setup instead.
    /// </summary>
    public Task HangUpAsync(string reason, CallLeg? from = null, string status = CallEndStatus.Completed)
    {
        List<CallLeg> bye;
        bool leaves;
        lock (Gate)
        {
            if (State == CallState.Ended)
            {
                return Task.CompletedTask;
            }

            bool replacedDuringTransfer = _transfer is { IsPending: true } pending && ReferenceEquals(from, pending.ReplacedLeg);
            bool outOfCall = _connected is var (a, b) && !ReferenceEquals(from, a) && !ReferenceEquals(from, b);
            leaves = from is not null && State == CallState.Answered && (replacedDuringTransfer || outOfCall);
            if (leaves)
            {
                // The party a pending transfer replaces left (DESIGN §2 step 5: the other stays until the outcome is
                // known), or a leg no longer in the call sent a late BYE: only that leg ends.
                from!.State = from.State == CallLegState.Answered ? CallLegState.Ended : from.State;
                from.EndedAt ??= _environment.Time.GetUtcNow();
            }

            bye = leaves ? [] : State == CallState.Answered && _connected is var (first, second)
                ? [.. new[] { first, second }.Where(l => !ReferenceEquals(l, from) && l.State == CallLegState.Answered)]
                : [];
        }

        if (leaves)
        {
            Forget(from!);
            CallLog.LegLeft(_environment.Logger, Number, from!.Target, reason);
            Raise(CallEventKind.LegChanged);
            return Task.CompletedTask;
        }

        if (bye.Count == 0 && from is null)
        {
            AbortSetup(reason);
            return Task.CompletedTask;
        }

        foreach (CallLeg leg in bye)
        {
            leg.SendBye();
        }

        End(status, reason);
        return Task.CompletedTask;
    }

    /// <summary>Ends the call once: legs leave the dialog table, timers stop, the end is reported.</summary>
    public void End(string status, string reason)
    {
        DateTimeOffset now = _environment.Time.GetUtcNow();
        List<CallLeg> legs;
        TransactionTimer? maxDuration;
        Transfer? transfer;
        lock (Gate)
        {
            if (State == CallState.Ended)
            {
                return;
            }

            State = CallState.Ended;
            EndedAt = now;
            maxDuration = _maxDuration;
            transfer = _transfer;
            legs = [Caller, .. _callees];
            foreach (CallLeg leg in legs)
            {
                leg.State = leg.State switch
                {
                    CallLegState.Answered => CallLegState.Ended,
                    CallLegState.Trying or CallLegState.Ringing => CallLegState.Failed,
                    _ => leg.State,
                };
                leg.EndedAt ??= now;
            }
        }

        maxDuration?.Dispose();
        transfer?.Cancel(reason);
        foreach (CallLeg leg in legs)
        {
            Forget(leg);
        }

        _manager.OnEnded(this, legs.OfType<CalleeLeg>());
        CallLog.Ended(_environment.Logger, Number, status, reason);
        _environment.Metrics.CallEnded(AnsweredAt is not null ? "answered" : status switch
        {
            CallEndStatus.Cancelled => "cancelled",
            CallEndStatus.Interrupted => "interrupted",
            _ => "failed",
        });
        CallSnapshot snapshot = Snapshot();
        _manager.Raise(new CallEvent(CallEventKind.Ended, snapshot, reason));
        Records.Add(snapshot, (sink, s) => sink.CallEndedAsync(s, status, reason));
    }

    /// <summary>Reports the call's start, once it is in the manager's table.</summary>
    public void ReportStarted()
    {
        _environment.Metrics.CallStarted(Route.Direction == CallDirection.Outbound ? "outbound" : "inbound");
        CallSnapshot snapshot = Snapshot();
        _manager.Raise(new CallEvent(CallEventKind.Started, snapshot));
        Records.Add(snapshot, static (sink, s) => sink.CallStartedAsync(s));
    }

    private void Raise(CallEventKind kind) => _manager.Raise(new CallEvent(kind, Snapshot()));

    /// <summary>
    /// Drops the placed legs that have failed or ended and are not in the call, so that a call transferred many
    /// times keeps a short list (its snapshot shows the legs in the call and being set up; where it was transferred
    /// to stays in its records). Their Call-IDs stay known for 64*T1, for late 2xx (§13.2.2.4).
    /// </summary>
    private void DropEndedLegs()
    {
        List<CalleeLeg> dropped;
        lock (Gate)
        {
            dropped = [.. _callees.Where(l => l.State is CallLegState.Failed or CallLegState.Ended
                && !(_connected is var (a, b) && (ReferenceEquals(l, a) || ReferenceEquals(l, b))))];
            _callees.RemoveAll(dropped.Contains);
        }

        if (dropped.Count > 0)
        {
            _manager.ForgetPlacedLater(dropped);
        }
    }

    /// <summary>A leg that is out of the call: its 2xx is no longer retransmitted and its dialog takes no more requests.</summary>
    private void Forget(CallLeg leg)
    {
        leg.Answer?.Dispose();
        if (leg.Dialog is { } dialog)
        {
            _environment.Dialogs.TryRemove(new KeyValuePair<DialogId, CallLeg>(dialog.Id, leg));
        }
    }
}

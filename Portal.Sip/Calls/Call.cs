using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;

namespace Portal.Sip.Calls;

/// <summary>
/// One call through the B2BUA (DESIGN §5): the caller's leg, the legs placed for it, its state and times. It
/// connects the leg that answers to the caller, relays provisional responses, hangs up both sides when either
/// does (or a limit is reached), and reports every change as an event and a call record. State is guarded by
/// <see cref="Gate"/>; messages are sent outside it.
/// </summary>
internal sealed partial class Call
{
    private readonly CallManager _manager;
    private readonly CallEnvironment _environment;
    private readonly List<CalleeLeg> _callees = [];
    private readonly CancellationTokenSource _aborted = new();
    private readonly CancellationTokenSource _setup;
    private ITimer? _maxDuration;

    public Call(CallManager manager, CallEnvironment environment, string id, long number, InviteRoute route, InviteServerTransaction invite)
    {
        _manager = manager;
        _environment = environment;
        Id = id;
        Number = number;
        Route = route;
        Caller = new CallerLeg(this, environment, invite);
        StartedAt = Caller.StartedAt;
        _setup = CancellationTokenSource.CreateLinkedTokenSource(invite.Cancelled, _aborted.Token);
        Records = new CallRecordQueue(environment.Records, environment.Logger, number);
    }

    public Lock Gate { get; } = new();

    /// <summary>Where this call's records go, in order.</summary>
    public CallRecordQueue Records { get; }

    public string Id { get; }

    public long Number { get; }

    public InviteRoute Route { get; }

    public CallerLeg Caller { get; }

    public CallState State { get; private set; }

    public CalleeLeg? AnsweredLeg { get; private set; }

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
                [Caller.Snapshot(), .. _callees.Select(l => l.Snapshot())]);
        }
    }

    /// <summary>The leg opposite <paramref name="leg"/> once the call is answered; null before.</summary>
    public CallLeg? OtherLeg(CallLeg leg)
    {
        lock (Gate)
        {
            return State != CallState.Answered ? null : ReferenceEquals(leg, Caller) ? AnsweredLeg : Caller;
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

        _aborted.Cancel();
    }

    /// <summary>
    /// Hangs up: BYE to every answered leg but <paramref name="from"/> (the side that hung up), then the call ends
    /// (DESIGN §5: BYE cascades). Before an answer it stops the setup instead.
    /// </summary>
    public Task HangUpAsync(string reason, CallLeg? from = null, string status = CallEndStatus.Completed)
    {
        List<CallLeg> bye;
        lock (Gate)
        {
            if (State == CallState.Ended)
            {
                return Task.CompletedTask;
            }

            bye = State == CallState.Answered
                ? [.. new CallLeg?[] { Caller, AnsweredLeg }.OfType<CallLeg>().Where(l => !ReferenceEquals(l, from))]
                : [];
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
        ITimer? maxDuration;
        lock (Gate)
        {
            if (State == CallState.Ended)
            {
                return;
            }

            State = CallState.Ended;
            EndedAt = now;
            maxDuration = _maxDuration;
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
        foreach (CallLeg leg in legs)
        {
            leg.Answer?.Dispose();
            if (leg.Dialog is { } dialog)
            {
                _environment.Dialogs.TryRemove(new KeyValuePair<DialogId, CallLeg>(dialog.Id, leg));
            }
        }

        _manager.OnEnded(this, legs.OfType<CalleeLeg>());
        CallLog.Ended(_environment.Logger, Number, status, reason);
        CallSnapshot snapshot = Snapshot();
        _manager.Raise(new CallEvent(CallEventKind.Ended, snapshot, reason));
        Records.Add(snapshot, (sink, s) => sink.CallEndedAsync(s, status, reason));
    }

    /// <summary>Reports the call's start, once it is in the manager's table.</summary>
    public void ReportStarted()
    {
        CallSnapshot snapshot = Snapshot();
        _manager.Raise(new CallEvent(CallEventKind.Started, snapshot));
        Records.Add(snapshot, static (sink, s) => sink.CallStartedAsync(s));
    }

    private void Raise(CallEventKind kind) => _manager.Raise(new CallEvent(kind, Snapshot()));
}

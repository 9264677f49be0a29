using Portal.Sip.Calls.Dialling;
using Portal.Sip.Messages;

namespace Portal.Sip.Calls.Transfers;

/// <summary>
/// One blind transfer of a call (DESIGN §2 steps 4–5): the leg it replaces, the leg that stays, the destination,
/// and its outcome. It is the dial owner of the legs the <c>transfer</c> dialplan places: they offer the
/// remaining party's SDP under its identity, their ringing does not reach that party (it stays with the replaced
/// one, which may be playing audio), and the first answer completes the transfer. State is guarded by the call's
/// gate.
/// </summary>
internal sealed class Transfer : IDialOwner
{
    private readonly CallEnvironment _environment;
    private readonly CancellationTokenSource _cancelled = new();
    private readonly TaskCompletionSource<TransferSnapshot> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<TransferSnapshot>? _progress;
    private readonly LegOffer _offer;
    private readonly long _requestedTimestamp;

    public Transfer(Call call, CallEnvironment environment, string id, CallLeg replaced, CallLeg remaining, string destination, string requestedBy,
        Action<TransferSnapshot>? progress, long requestedTimestamp)
    {
        _requestedTimestamp = requestedTimestamp;
        Call = call;
        _environment = environment;
        Id = id;
        ReplacedLeg = replaced;
        RemainingLeg = remaining;
        Destination = destination;
        RequestedBy = requestedBy;
        _progress = progress;
        StartedAt = environment.Time.GetUtcNow();
        PeerSession? session = remaining.PeerSession;
        (string? user, string? displayName) = remaining is CallerLeg caller
            ? (caller.FromUser, caller.Invite.Request.From?.DisplayName)
            : (remaining.ToUser, null);
        _offer = new LegOffer(user, displayName, 70, session?.Body ?? default, session?.Headers ?? []);
    }

    public Call Call { get; }

    public string Id { get; }

    /// <summary>The leg that leaves the call when the new party answers (the voice app's, or the phone that sent REFER).</summary>
    public CallLeg ReplacedLeg { get; }

    /// <summary>The leg that stays and is bridged to the new party; the <c>transfer</c> dialplan's From.</summary>
    public CallLeg RemainingLeg { get; }

    public string Destination { get; }

    public string RequestedBy { get; }

    public TransferState State { get; private set; }

    public int? Status { get; private set; }

    public string? Reason { get; private set; }

    public string? Target { get; private set; }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>From the request (as its receiver timestamped it) to the first INVITE sent; null before one is.</summary>
    public TimeSpan? DialDelay { get; private set; }

    /// <summary>Why the transfer was given up (the call ended); null while it was not.</summary>
    public string? CancelReason { get; private set; }

    /// <summary>The outcome is not known yet.</summary>
    public bool IsPending => State is TransferState.Pending or TransferState.Ringing;

    /// <summary>Fires when the call ends while the transfer is pending: the new legs are CANCELled.</summary>
    public CancellationToken Cancelled => _cancelled.Token;

    /// <summary>Completes with the transfer as it finished.</summary>
    public Task<TransferSnapshot> Completion => _finished.Task;

    public TransferSnapshot Snapshot()
    {
        lock (Call.Gate)
        {
            return new TransferSnapshot(Id, Call.Id, Call.Number, Call.Route.OwnerId, Destination, ReplacedLeg.CallId, RemainingLeg.CallId, RequestedBy,
                State, Status, Reason, Target, StartedAt, EndedAt, DialDelay);
        }
    }

    public CalleeLeg AddLeg(DialTarget target, TimeSpan ringTime, TimeSpan maxDuration)
    {
        CalleeLeg leg = Call.AddCallee(CallLegRole.Transfer, target, _offer, ringTime, maxDuration);
        lock (Call.Gate)
        {
            Target = leg.Target;
        }

        return leg;
    }

    public void OnLegStarted(CalleeLeg leg)
    {
        TimeSpan elapsed = _environment.Time.GetElapsedTime(_requestedTimestamp);
        bool first;
        lock (Call.Gate)
        {
            first = DialDelay is null;
            DialDelay ??= elapsed;
        }

        if (first)
        {
            _environment.Metrics.TransferDialled(elapsed);
        }
    }

    /// <summary>A new leg rings: the transfer shows it; the remaining party hears nothing of it.</summary>
    public Task OnProvisionalAsync(CalleeLeg leg, SipResponse response)
    {
        if (response.StatusCode == SipStatusCodes.Trying)
        {
            return Task.CompletedTask;
        }

        bool first;
        lock (Call.Gate)
        {
            if (!IsPending || leg.IsAbandoned || Cancelled.IsCancellationRequested)
            {
                return Task.CompletedTask;
            }

            first = State == TransferState.Pending;
            State = TransferState.Ringing;
            Target = leg.Target;
        }

        Call.SetLegState(leg, CallLegState.Ringing);
        if (first)
        {
            Report();
        }

        return Task.CompletedTask;
    }

    public Task<bool> ConnectAsync(CalleeLeg leg, SipResponse answer) => Call.CompleteTransferAsync(this, leg, answer);

    /// <summary>The new party answered; called by the call once it has been bridged.</summary>
    public void Answered(CalleeLeg leg, SipResponse answer) =>
        Finish(TransferState.Answered, SipStatusCodes.Ok, $"{answer.StatusCode} {answer.ReasonPhrase}", leg.Target);

    /// <summary>The transfer failed: the call goes on as it was (or ends, when the replaced party has left meanwhile).</summary>
    public void Failed(int status, string reason, string? target = null)
    {
        if (Finish(TransferState.Failed, status, reason, target))
        {
            _ = Call.OnTransferFailedAsync(this);
        }
    }

    /// <summary>The call ended while the transfer was pending: its legs are given up.</summary>
    public void Cancel(string reason)
    {
        lock (Call.Gate)
        {
            if (!IsPending)
            {
                return;
            }

            CancelReason ??= reason;
        }

        _cancelled.Cancel();
    }

    private bool Finish(TransferState state, int status, string reason, string? target)
    {
        lock (Call.Gate)
        {
            if (!IsPending)
            {
                return false;
            }

            State = state;
            Status = status;
            Reason = reason;
            Target = target ?? Target;
            EndedAt = _environment.Time.GetUtcNow();
        }

        TransferSnapshot snapshot = Snapshot();
        CallLog.TransferFinished(_environment.Logger, Call.Number, Id, state, reason);
        _environment.Metrics.TransferFinished(state == TransferState.Answered ? "answered" : "failed");
        _finished.TrySetResult(snapshot);
        Report();
        Call.OnTransferFinished(snapshot);
        return true;
    }

    /// <summary>Tells whoever asked (a REFER's NOTIFYs) and the call's followers.</summary>
    private void Report()
    {
        TransferSnapshot snapshot = Snapshot();
        try
        {
            _progress?.Invoke(snapshot);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            CallLog.StepFailed(_environment.Logger, e, Call.Number, "reporting transfer progress");
        }

        Call.RaiseTransferChanged();
    }
}

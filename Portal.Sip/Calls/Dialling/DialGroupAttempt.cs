using Portal.Sip.Dialplans;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;

namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// Rings the legs of one dial-string group in parallel (DESIGN §6 <c>&amp;</c>): each after its delay (<c>dt</c>),
/// each for its ring time (<c>rt</c>, then CANCEL). The first 2xx wins and is connected to the caller; the others
/// are CANCELled, and a 2xx that still comes from one is ACKed and hung up. When every leg has failed, the group
/// fails with the most telling status (after RFC 3261 §16.7: a 6xx, else a 4xx, else a 5xx; a leg that was only
/// given up on counts as 480). The caller's CANCEL (or the end of the call, for a transfer) gives every leg up.
/// </summary>
internal sealed class DialGroupAttempt(IDialOwner owner, CallEnvironment environment)
{
    private readonly Call _call = owner.Call;
    private readonly TaskCompletionSource<DialResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _finished = new();
    private readonly Lock _gate = new();
    private readonly HashSet<CalleeLeg> _counted = [];
    private readonly List<(int Status, string Reason)> _failures = [];
    private int _pending;
    private CalleeLeg? _winner;

    public async Task<DialResult> RunAsync(IReadOnlyList<DialTarget> targets, DialStep step, CancellationToken cancelled)
    {
        List<CalleeLeg> legs = [];
        foreach (DialTarget target in targets)
        {
            if (!target.IsReachable)
            {
                CallLog.LegUnreachable(environment.Logger, _call.Number, target.Text, target.FailureStatus, target.FailureReason!);
                _failures.Add((target.FailureStatus, target.FailureReason!));
                continue;
            }

            TimeSpan ring = Seconds(target.Options.RingSeconds ?? step.RingSeconds) ?? environment.Limits.DefaultRingTime;
            TimeSpan longest = Seconds(target.Options.MaxCallSeconds ?? step.MaxCallSeconds) ?? environment.Limits.DefaultMaxCallDuration;
            legs.Add(owner.AddLeg(target, ring, longest));
        }

        if (legs.Count == 0)
        {
            return Best();
        }

        _pending = legs.Count;
        DialResult result;
        await using (cancelled.Register(() => _done.TrySetResult(DialResult.Cancelled)))
        {
            foreach (CalleeLeg leg in legs)
            {
                _ = RunLegAsync(leg, Seconds(leg.DialTarget.Options.DelaySeconds) ?? TimeSpan.Zero);
            }

            result = await _done.Task;
        }

        await _finished.CancelAsync();
        foreach (CalleeLeg leg in legs.Where(l => !ReferenceEquals(l, _winner)))
        {
            leg.Abandon();
        }

        return result;
    }

    private async Task RunLegAsync(CalleeLeg leg, TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, environment.Time, _finished.Token);
            }

            if (_done.Task.IsCompleted)
            {
                LegFailed(leg, SipStatusCodes.RequestTerminated, "Request Terminated");
                return;
            }

            CallLog.Dialling(environment.Logger, _call.Number, leg.Target, leg.CallId);
            void OnProvisional(SipResponse provisional) => _ = owner.OnProvisionalAsync(leg, provisional);
            var transaction = leg.Start(OnProvisional);
            owner.OnLegStarted(leg);
            SipResponse response;
            // The ring time runs on the transaction layer's one timer queue, with the INVITE's own timers.
            using (TransactionTimer ringTimeout = new(environment.Layer.TimerQueue, () => OnRingTimeout(leg)))
            {
                ringTimeout.Start(leg.RingTime);
                response = await transaction.Completion;
                // A provider's challenge is answered once with its credentials (DESIGN §5).
                if (response.StatusCode is SipStatusCodes.Unauthorized or SipStatusCodes.ProxyAuthenticationRequired
                    && leg.RetryWithCredentials(response, OnProvisional) is { } retry)
                {
                    response = await retry.Completion;
                }
            }

            if (!response.IsSuccess)
            {
                LegFailed(leg, response.StatusCode, response.ReasonPhrase);
            }
            else if (!leg.IsAbandoned && TryWin(leg))
            {
                _done.TrySetResult(await owner.ConnectAsync(leg, response) ? DialResult.Answered : DialResult.Cancelled);
            }
            else
            {
                await leg.RefuseLateAnswerAsync(response);
                LegFailed(leg, SipStatusCodes.RequestTerminated, "Request Terminated");
            }
        }
        catch (OperationCanceledException)
        {
            LegFailed(leg, SipStatusCodes.RequestTerminated, "Request Terminated");
        }
        catch (Exception e)
        {
            CallLog.StepFailed(environment.Logger, e, _call.Number, "dialling " + leg.Target);
            LegFailed(leg, SipStatusCodes.ServerInternalError, "Server Internal Error");
        }
    }

    /// <summary>The leg rang for its whole ring time: CANCEL it, and count it failed now rather than when its 487 comes.</summary>
    private void OnRingTimeout(CalleeLeg leg)
    {
        if (leg.Abandon())
        {
            LegFailed(leg, SipStatusCodes.TemporarilyUnavailable, "Temporarily Unavailable");
        }
    }

    private bool TryWin(CalleeLeg leg)
    {
        lock (_gate)
        {
            if (_winner is not null || _done.Task.IsCompleted)
            {
                return false;
            }

            _winner = leg;
            return true;
        }
    }

    private void LegFailed(CalleeLeg leg, int status, string reason)
    {
        bool last;
        lock (_gate)
        {
            if (!_counted.Add(leg))
            {
                return;
            }

            _failures.Add((status, reason));
            last = --_pending == 0 && _winner is null;
        }

        _call.SetLegState(leg, CallLegState.Failed, status);
        if (last)
        {
            _done.TrySetResult(Best());
        }
    }

    private DialResult Best()
    {
        lock (_gate)
        {
            if (_failures.Count == 0)
            {
                return DialResult.Failed(SipStatusCodes.TemporarilyUnavailable, "Temporarily Unavailable");
            }

            (int status, string reason) = _failures.OrderBy(f => Rank(f.Status)).First();
            return status is SipStatusCodes.RequestTerminated or < 400
                ? DialResult.Failed(SipStatusCodes.TemporarilyUnavailable, "Temporarily Unavailable")
                : DialResult.Failed(status, reason);
        }
    }

    /// <summary>Which failure the caller hears (lower first): 6xx, 4xx, 5xx, then no answer, then a redirect not followed.</summary>
    private static int Rank(int status) => status switch
    {
        >= 600 => 0,
        SipStatusCodes.RequestTimeout or SipStatusCodes.TemporarilyUnavailable or SipStatusCodes.RequestTerminated => 3,
        >= 400 and < 500 => 1,
        >= 500 => 2,
        _ => 4,
    };

    private static TimeSpan? Seconds(int? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}

namespace Portal.Sip.Dialplans;

/// <summary>
/// Runs dialplan evaluations under DESIGN §10's budgets: each on the thread pool (never on the SIP receive path
/// or a portal circuit), within one time budget for the whole evaluation (<c>Sip:DialplanRunTimeMilliseconds</c>)
/// after which it stops — nothing is left running — and at most <c>Sip:MaxDialplanEvaluationsPerOwner</c> at once
/// for one owner; past that an evaluation is refused at once rather than queued. Shared by the calls and the
/// portal's Test panel, so both count against the same limit.
/// </summary>
public sealed class DialplanEvaluator
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);

    public DialplanEvaluator(TimeSpan runTime, int maxPerOwner, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(runTime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerOwner, 1);
        ArgumentNullException.ThrowIfNull(time);
        RunTime = runTime;
        MaxPerOwner = maxPerOwner;
        _time = time;
    }

    /// <summary>The budget of one evaluation.</summary>
    public TimeSpan RunTime { get; }

    /// <summary>Evaluations one owner may have running at once.</summary>
    public int MaxPerOwner { get; }

    /// <summary>Evaluations running now, all owners together.</summary>
    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _running.Values.Sum();
            }
        }
    }

    /// <summary>
    /// Evaluates <paramref name="dialplan"/> for <paramref name="ownerId"/>: the plan, or
    /// <see cref="DialplanEvaluationOutcome.OverBudget"/> once the evaluation has stopped, or
    /// <see cref="DialplanEvaluationOutcome.Busy"/> without starting it.
    /// </summary>
    public async Task<DialplanEvaluation> EvaluateAsync(string ownerId, RulesDialplan dialplan, DialplanContext context)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        ArgumentNullException.ThrowIfNull(dialplan);
        ArgumentNullException.ThrowIfNull(context);
        if (!TryEnter(ownerId))
        {
            return new DialplanEvaluation(DialplanEvaluationOutcome.Busy, null,
                $"{MaxPerOwner} of your dialplan evaluations are already running; try again in a moment.");
        }

        try
        {
            // Awaited to the end, never abandoned: the budget is what stops a runaway evaluation.
            return await Task.Run(() => Evaluate(dialplan, context));
        }
        finally
        {
            Leave(ownerId);
        }
    }

    private DialplanEvaluation Evaluate(RulesDialplan dialplan, DialplanContext context)
    {
        try
        {
            return DialplanEvaluation.Decided(dialplan.Evaluate(context, DialplanBudget.Start(RunTime, _time)));
        }
        catch (DialplanBudgetExceededException e)
        {
            return new DialplanEvaluation(DialplanEvaluationOutcome.OverBudget, null, e.Message);
        }
    }

    private bool TryEnter(string ownerId)
    {
        lock (_gate)
        {
            int running = _running.GetValueOrDefault(ownerId);
            if (running >= MaxPerOwner)
            {
                return false;
            }

            _running[ownerId] = running + 1;
            return true;
        }
    }

    private void Leave(string ownerId)
    {
        lock (_gate)
        {
            if (--_running[ownerId] == 0)
            {
                _running.Remove(ownerId);
            }
        }
    }
}

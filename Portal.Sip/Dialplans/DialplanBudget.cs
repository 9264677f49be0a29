namespace Portal.Sip.Dialplans;

/// <summary>
/// The time one evaluation of a dialplan may take (DESIGN §10 "budgets, not only timeouts"): started when the
/// evaluation starts, checked before every rule, matcher and action, and handed to each regex match as its
/// time limit, so no single match can run past what is left.
/// </summary>
public sealed class DialplanBudget
{
    private readonly TimeProvider _time;
    private readonly long _started;

    private DialplanBudget(TimeSpan allowed, TimeProvider time)
    {
        Allowed = allowed;
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>The whole budget (<c>Sip:DialplanRunTimeMilliseconds</c>).</summary>
    public TimeSpan Allowed { get; }

    /// <summary>What is left; zero or less once it is spent.</summary>
    public TimeSpan Remaining => Allowed - _time.GetElapsedTime(_started);

    public static DialplanBudget Start(TimeSpan allowed, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(allowed, TimeSpan.Zero);
        return new DialplanBudget(allowed, time);
    }

    /// <summary>Stops the evaluation when the budget is spent.</summary>
    /// <param name="line">The rule about to be worked on, for the message.</param>
    internal void ThrowIfSpent(int line)
    {
        if (Remaining <= TimeSpan.Zero)
        {
            throw new DialplanBudgetExceededException(Allowed, line);
        }
    }
}

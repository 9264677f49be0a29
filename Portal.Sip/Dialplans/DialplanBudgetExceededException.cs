namespace Portal.Sip.Dialplans;

/// <summary>An evaluation ran out of its <see cref="DialplanBudget"/> and was stopped where it was.</summary>
public sealed class DialplanBudgetExceededException : Exception
{
    public DialplanBudgetExceededException()
    {
    }

    public DialplanBudgetExceededException(string message)
        : base(message)
    {
    }

    public DialplanBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal DialplanBudgetExceededException(TimeSpan allowed, int line)
        : base($"The dialplan used up its {allowed.TotalMilliseconds:0} ms budget at line {line} and was stopped.")
    {
        Allowed = allowed;
        Line = line;
    }

    /// <summary>The budget that was spent.</summary>
    public TimeSpan Allowed { get; }

    /// <summary>The line of the rule being worked on when the budget ran out.</summary>
    public int Line { get; }
}

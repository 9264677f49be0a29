namespace Portal.Sip.Dialplans;

public enum DialplanEvaluationOutcome
{
    /// <summary>The dialplan decided within its budget.</summary>
    Decided,

    /// <summary>The budget ran out and the evaluation was stopped (a call gets 500).</summary>
    OverBudget,

    /// <summary>The owner already had as many evaluations running as allowed; this one never started (a call gets 486).</summary>
    Busy,
}

namespace Portal.Sip.Dialplans;

/// <summary>How one evaluation under <see cref="DialplanEvaluator"/> ended: a plan, or why there is none.</summary>
/// <param name="Outcome">Decided, stopped for its budget, or refused because the owner had too many running.</param>
/// <param name="Plan">The plan when <see cref="DialplanEvaluationOutcome.Decided"/>; otherwise null.</param>
/// <param name="Message">What to tell the owner when there is no plan (budget spent, too many at once).</param>
public sealed record DialplanEvaluation(DialplanEvaluationOutcome Outcome, DialplanPlan? Plan, string? Message)
{
    public static DialplanEvaluation Decided(DialplanPlan plan) => new(DialplanEvaluationOutcome.Decided, plan, null);
}

namespace Portal.Sip.Dialplans;

/// <summary>
/// What a dialplan decided for one call: the steps to run in order (a <see cref="DialStep"/> that is answered
/// ends the plan, a failed one moves on to the next step), the rule that matched, and anything the owner should
/// know about how the decision was reached.
/// </summary>
/// <param name="Steps">At least one step.</param>
/// <param name="MatchedRule">The rule (or <c>else</c>) that produced the steps; null for the default 404.</param>
/// <param name="Warnings">E.g. a regex that ran out of time, or a dial string the call's values made invalid.</param>
public sealed record DialplanPlan(
    IReadOnlyList<DialplanStep> Steps,
    DialplanRuleMatch? MatchedRule,
    IReadOnlyList<string> Warnings);

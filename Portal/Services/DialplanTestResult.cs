using Portal.Sip.Dialplans;

namespace Portal.Services;

/// <summary>
/// What the Test panel shows for one number: the plan, or why there is none (the rules have errors, the
/// evaluation used up its budget, too many were running); and for each direct leg the service would refuse, why.
/// </summary>
public sealed record DialplanTestResult(DialplanPlan? Plan, string? Problem, IReadOnlyDictionary<DialLeg, string> LegRefusals)
{
    public static DialplanTestResult Failed(string problem) => new(null, problem, new Dictionary<DialLeg, string>());
}

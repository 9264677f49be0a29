using System.Text.RegularExpressions;

namespace Portal.Sip.Dialplans;

/// <summary>
/// A parsed <c>Rules</c> dialplan (DESIGN §6). <see cref="Evaluate"/> tries the rules top to bottom on the dialled
/// user and turns the first match's actions into a <see cref="DialplanPlan"/>. Immutable and thread-safe.
/// </summary>
public sealed class RulesDialplan
{
    private static readonly DialplanStep NotFound = new RespondStep(404, "Not Found");
    private readonly IReadOnlyList<DialplanRule> _rules;

    internal RulesDialplan(IReadOnlyList<DialplanRule> rules)
    {
        _rules = rules;
    }

    /// <summary>How many rules (the <c>else</c> included) the dialplan has.</summary>
    public int RuleCount => _rules.Count;

    /// <summary>
    /// Decides what to do with one call: the first rule whose matcher matches <see cref="DialplanContext.DialledUser"/>
    /// (or the <c>else</c>) gives its actions in order, strings interpolated; with no match and no <c>else</c>, the plan
    /// is a single 404. A regex that runs past its time limit counts as no match and is reported in the warnings.
    /// </summary>
    public DialplanPlan Evaluate(DialplanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        List<string> warnings = [];
        foreach (DialplanRule rule in _rules)
        {
            IReadOnlyList<string>? groups = rule.IsElse ? [] : Match(rule, context.DialledUser, warnings);
            if (groups is null)
            {
                continue;
            }

            DialplanValues values = new(context, groups);
            List<DialplanStep> steps = [.. rule.Actions.Select(a => a.ToStep(values, warnings)).OfType<DialplanStep>()];
            if (steps.Count == 0)
            {
                // Every action was a sys.Dial the call's values made invalid (see the warnings): nothing can be rung.
                steps.Add(NotFound);
            }

            return new DialplanPlan(steps, new DialplanRuleMatch(rule.Line, rule.Text), warnings);
        }

        return new DialplanPlan([NotFound], null, warnings);
    }

    private static IReadOnlyList<string>? Match(DialplanRule rule, string user, List<string> warnings)
    {
        foreach (DialplanMatcher matcher in rule.Matchers)
        {
            try
            {
                if (matcher.Match(user) is { } groups)
                {
                    return groups;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                warnings.Add($"Line {rule.Line}: {matcher.Text} took longer than {DialplanLimits.RegexTimeout.TotalMilliseconds:0} ms on the dialled number and was treated as not matching; simplify the regex.");
            }
        }

        return null;
    }
}

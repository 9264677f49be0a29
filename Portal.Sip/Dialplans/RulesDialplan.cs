namespace Portal.Sip.Dialplans;

/// <summary>
/// A parsed <c>Rules</c> dialplan (DESIGN §6). <see cref="Evaluate(DialplanContext, DialplanBudget)"/> tries the rules top to bottom on the dialled
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
    /// Decides what to do with one call within the default budget (<see cref="DialplanLimits.DefaultRunTime"/>) on the
    /// system clock; see <see cref="Evaluate(DialplanContext, DialplanBudget)"/>.
    /// </summary>
    public DialplanPlan Evaluate(DialplanContext context) => Evaluate(context, DialplanBudget.Start(DialplanLimits.DefaultRunTime, TimeProvider.System));

    /// <summary>
    /// Decides what to do with one call: the first rule whose matcher matches <see cref="DialplanContext.DialledUser"/>
    /// (or the <c>else</c>) gives its actions in order, strings interpolated; with no match and no <c>else</c>, the plan
    /// is a single 404. The budget is checked before every rule, matcher and action, and bounds every regex match.
    /// </summary>
    /// <exception cref="DialplanBudgetExceededException">The budget ran out; the evaluation stopped where it was.</exception>
    public DialplanPlan Evaluate(DialplanContext context, DialplanBudget budget)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(budget);
        List<string> warnings = [];
        foreach (DialplanRule rule in _rules)
        {
            budget.ThrowIfSpent(rule.Line);
            IReadOnlyList<string>? groups = rule.IsElse ? [] : Match(rule, context.DialledUser, budget);
            if (groups is null)
            {
                continue;
            }

            DialplanValues values = new(context, groups);
            List<DialplanStep> steps = [];
            foreach (DialplanAction action in rule.Actions)
            {
                budget.ThrowIfSpent(action.Line);
                if (action.ToStep(values, warnings) is { } step)
                {
                    steps.Add(step);
                }
            }

            if (steps.Count == 0)
            {
                // Every action was a sys.Dial the call's values made invalid (see the warnings): nothing can be rung.
                steps.Add(NotFound);
            }

            return new DialplanPlan(steps, new DialplanRuleMatch(rule.Line, rule.Text), warnings);
        }

        return new DialplanPlan([NotFound], null, warnings);
    }

    private static IReadOnlyList<string>? Match(DialplanRule rule, string user, DialplanBudget budget)
    {
        foreach (DialplanMatcher matcher in rule.Matchers)
        {
            budget.ThrowIfSpent(rule.Line);
            if (matcher.Match(user, budget, rule.Line) is { } groups)
            {
                return groups;
            }
        }

        return null;
    }
}

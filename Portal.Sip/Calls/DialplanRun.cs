using Portal.Sip.Dialplans;

namespace Portal.Sip.Calls;

/// <summary>Evaluates a dialplan for a call within the run-time cap (DESIGN §5 limits), off the SIP receive path.</summary>
internal static class DialplanRun
{
    /// <summary>The plan's steps; null when the evaluation ran longer than <c>Sip:DialplanRunTimeMilliseconds</c>.</summary>
    public static async Task<IReadOnlyList<DialplanStep>?> EvaluateAsync(RulesDialplan dialplan, DialplanContext context, CallEnvironment environment)
    {
        DialplanPlan plan;
        try
        {
            // The regex timeout bounds one match, not a thousand rules: the whole evaluation is capped too.
            plan = await Task.Run(() => dialplan.Evaluate(context)).WaitAsync(environment.Limits.DialplanRunTime, environment.Time);
        }
        catch (TimeoutException)
        {
            return null;
        }

        foreach (string warning in plan.Warnings)
        {
            CallLog.DialplanWarning(environment.Logger, context.CallNumber, warning);
        }

        return plan.Steps;
    }
}

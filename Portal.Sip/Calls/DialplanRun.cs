using Portal.Sip.Dialplans;
using Portal.Sip.Messages;

namespace Portal.Sip.Calls;

/// <summary>
/// Runs a dialplan for a call or a transfer (DESIGN §6): evaluates it within the run-time cap (DESIGN §5 limits),
/// off the SIP receive path, then carries out its steps in order.
/// </summary>
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

    /// <summary>
    /// The steps in order: <c>sys.Log</c> logs, <c>sys.Respond</c> stops with its status, <c>sys.Dial</c> dials for
    /// <paramref name="owner"/> (an answer stops, a failure moves on). Returns the answer, the response, or the last
    /// dial's failure (480 when nothing was dialled); stops early, cancelled, when <paramref name="cancelled"/> fires.
    /// </summary>
    public static async Task<DialResult> RunStepsAsync(IDialOwner owner, IReadOnlyList<DialplanStep> steps, CallDialer dialer,
        CallEnvironment environment, CancellationToken cancelled)
    {
        DialResult last = DialResult.Failed(SipStatusCodes.TemporarilyUnavailable, "Temporarily Unavailable");
        foreach (DialplanStep step in steps)
        {
            if (cancelled.IsCancellationRequested)
            {
                return DialResult.Cancelled;
            }

            switch (step)
            {
                case LogStep log:
                    CallLog.DialplanLog(environment.Logger, owner.Call.Number, log.Text);
                    break;
                case RespondStep respond:
                    return DialResult.Failed(respond.Code, respond.Reason);
                case DialStep dial:
                    DialResult result = await dialer.DialAsync(owner, dial, cancelled);
                    if (result.IsAnswered)
                    {
                        return result;
                    }

                    last = result.IsCancelled ? last : result;
                    break;
            }
        }

        return cancelled.IsCancellationRequested ? DialResult.Cancelled : last;
    }
}

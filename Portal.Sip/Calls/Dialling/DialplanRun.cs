using Portal.Sip.Dialplans;
using Portal.Sip.Messages;

namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// Runs a dialplan for a call or a transfer (DESIGN §6): evaluates it within its budget (DESIGN §10), off the SIP
/// receive path, then carries out its steps in order.
/// </summary>
internal static class DialplanRun
{
    /// <summary>
    /// Evaluates the dialplan under the owner's share of the evaluator (DESIGN §10: one budget for the whole
    /// evaluation, a few at once per owner). The plan's warnings are logged; a refusal is the caller's to answer.
    /// </summary>
    public static async Task<DialplanEvaluation> EvaluateAsync(string ownerId, RulesDialplan dialplan, DialplanContext context, CallEnvironment environment)
    {
        DialplanEvaluation evaluation = await environment.DialplanEvaluator.EvaluateAsync(ownerId, dialplan, context);
        switch (evaluation.Outcome)
        {
            case DialplanEvaluationOutcome.Decided:
                foreach (string warning in evaluation.Plan!.Warnings)
                {
                    CallLog.DialplanWarning(environment.Logger, context.CallNumber, warning);
                }

                break;
            case DialplanEvaluationOutcome.OverBudget:
                CallLog.DialplanOverBudget(environment.Logger, context.CallNumber, context.OwnerUserName, evaluation.Message!);
                break;
            case DialplanEvaluationOutcome.Busy:
                CallLog.DialplanBusy(environment.Logger, context.CallNumber, context.OwnerUserName, environment.DialplanEvaluator.MaxPerOwner);
                break;
        }

        return evaluation;
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

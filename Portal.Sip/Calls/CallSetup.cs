using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls.Records;
using Portal.Sip.Dialplans;
using Portal.Sip.Messages;

namespace Portal.Sip.Calls;

/// <summary>
/// Takes a new call from its INVITE to an answer or a failure (DESIGN §5, §6): decides the plan — the route's
/// dialplan, evaluated within its budget, or "ring the called account's phones" — then runs its steps in
/// order. <c>sys.Log</c> logs, <c>sys.Respond</c> answers the caller and stops, <c>sys.Dial</c> dials: an
/// answer ends the plan, a failure moves on. When every step has failed the caller gets the last failure (480
/// when nothing was dialled); when the caller cancelled, 487.
/// </summary>
internal sealed class CallSetup(CallEnvironment environment, DialplanCache dialplans, IProviderDirectory providers, CallDialer dialer)
{
    public async Task RunAsync(Call call)
    {
        try
        {
            IReadOnlyList<DialplanStep>? steps = await PlanAsync(call);
            if (steps is not null)
            {
                await RunStepsAsync(call, steps);
            }
        }
        catch (OperationCanceledException) when (call.SetupCancelled.IsCancellationRequested)
        {
            await FinishCancelledAsync(call);
        }
        catch (Exception e)
        {
            CallLog.StepFailed(environment.Logger, e, call.Number, "setting up the call");
            await call.FailAsync(SipStatusCodes.ServerInternalError, "Server Internal Error", CallEndStatus.Failed, "internal error");
        }
    }

    private async Task<IReadOnlyList<DialplanStep>?> PlanAsync(Call call)
    {
        InviteRoute route = call.Route;
        if (route.DialplanName is not { } name)
        {
            // No in dialplan: ring every registered phone of the called account in parallel.
            string text = route.AccountUsername + "@local";
            DialLeg leg = new(route.AccountUsername, "local", null, DialRoute.Local, DialLegOptions.None, text);
            return [new DialStep(new DialString([new DialGroup([leg])]), null, null, text)];
        }

        (RulesDialplan? dialplan, string? problem, _) = await dialplans.GetAsync(route.OwnerId, name, call.SetupCancelled);
        if (dialplan is null)
        {
            CallLog.DialplanUnusable(environment.Logger, name, route.OwnerUserName, problem!);
            await call.FailAsync(SipStatusCodes.ServerInternalError, "Server Internal Error - the dialplan cannot be used", CallEndStatus.Failed,
                $"dialplan '{name}': {problem}");
            return null;
        }

        SipRequest invite = call.Caller.Invite.Request;
        SipUri uri = (SipUri)invite.Uri;
        IReadOnlyList<string> providerNames = await providers.ListNamesAsync(route.OwnerId, call.SetupCancelled);
        DialplanContext context = new(route.DialledUser ?? uri.User ?? "", uri.Host, invite.From?.SipUri?.User ?? "", invite.CallId ?? "", route.OwnerUserName, call.Number,
            new DialStringContext(providerNames, environment.HostedDomains));
        DialplanEvaluation evaluation = await DialplanRun.EvaluateAsync(route.OwnerId, dialplan, context, environment);
        switch (evaluation.Outcome)
        {
            case DialplanEvaluationOutcome.OverBudget:
                await call.FailAsync(SipStatusCodes.ServerInternalError, "Server Internal Error - the dialplan took too long", CallEndStatus.Failed,
                    $"dialplan '{name}' ran past its {environment.DialplanEvaluator.RunTime.TotalMilliseconds:0} ms budget");
                return null;
            case DialplanEvaluationOutcome.Busy:
                // 486 like the call cap, not 503: an upstream proxy takes a 503 as the whole service overloaded (RFC 3261 §21.5.4).
                await call.FailAsync(SipStatusCodes.BusyHere, "Busy Here - too many dialplans running", CallEndStatus.Failed,
                    $"dialplan '{name}': {environment.DialplanEvaluator.MaxPerOwner} evaluations already running");
                return null;
        }

        return evaluation.Plan!.Steps;
    }

    private async Task RunStepsAsync(Call call, IReadOnlyList<DialplanStep> steps)
    {
        DialResult result = await DialplanRun.RunStepsAsync(call, steps, dialer, environment, call.SetupCancelled);
        if (result.IsAnswered)
        {
            return;
        }

        if (result.IsCancelled || call.SetupCancelled.IsCancellationRequested)
        {
            await FinishCancelledAsync(call);
            return;
        }

        await call.FailAsync(result.Status, result.Reason, CallEndStatus.Failed, $"{result.Status} {result.Reason}");
    }

    /// <summary>
    /// A CANCEL, or a BYE in the early dialog, gets the INVITE a 487 (RFC 3261 §9.2, §15); a hang-up by the call
    /// manager gets 480.
    /// </summary>
    private static async Task FinishCancelledAsync(Call call)
    {
        string? aborted = call.AbortReason;
        bool byCaller = aborted is null or CallManager.CallerHungUp;
        await call.FailAsync(byCaller ? SipStatusCodes.RequestTerminated : SipStatusCodes.TemporarilyUnavailable,
            byCaller ? "Request Terminated" : "Temporarily Unavailable", CallEndStatus.Cancelled, aborted ?? "caller cancelled");
    }
}

using Portal.Sip.Dialplans;
using Portal.Sip.Messages;

namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// Runs one <c>sys.Dial</c> (DESIGN §6): its <c>|</c> groups one after another, each tried only when every leg
/// of the one before failed, until a leg answers, the caller cancels (or the call ends during a transfer), or the
/// groups run out (the last group's failure is the dial's).
/// </summary>
internal sealed class CallDialer(CallEnvironment environment, DialTargetResolver resolver)
{
    public async Task<DialResult> DialAsync(IDialOwner owner, DialStep step, CancellationToken cancelled)
    {
        Call call = owner.Call;
        DialResult last = DialResult.Failed(SipStatusCodes.TemporarilyUnavailable, "Temporarily Unavailable");
        foreach (DialGroup group in step.Dial.Groups)
        {
            if (cancelled.IsCancellationRequested)
            {
                return DialResult.Cancelled;
            }

            List<DialTarget> targets = [];
            try
            {
                foreach (DialLeg leg in group.Legs)
                {
                    targets.AddRange(await resolver.ResolveAsync(leg, call.Route.OwnerId, cancelled));
                }
            }
            catch (OperationCanceledException)
            {
                return DialResult.Cancelled;
            }

            DialResult result = await new DialGroupAttempt(owner, environment).RunAsync(targets, step, cancelled);
            if (result.IsAnswered || result.IsCancelled)
            {
                return result;
            }

            last = result;
        }

        return last;
    }
}

using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls;
using Portal.Sip.Dialplans;
using Portal.Tests.Sip.Dialplans;

namespace Portal.Tests.Sip.Calls;

/// <summary>A call's dialplan runs within one budget, and only a few at once per owner (DESIGN §10).</summary>
public sealed class DialplanBudgetCallTests
{
    [Fact]
    public async Task CatastrophicDialplan_CallerGets500_AndTheEvaluationHasStopped()
    {
        // The evaluator's budget runs on the real clock here: the bench's fake one never moves by itself.
        var evaluator = new DialplanEvaluator(CallLimits.Default.DialplanRunTime, 2, TimeProvider.System);
        var bench = new CallBench(evaluator: evaluator);
        string rules = string.Join("\n", Enumerable.Repeat("when /^(a+)+$/ then sys.Respond(486, \"never\")", 999));
        bench.Dialplans.Set("owner-1", "default", rules + "\nelse sys.Respond(404, \"No route\")");

        await bench.CallAsAliceAsync(new string('a', 40) + "!");

        var (error, _) = await bench.Sender.WaitForResponseAsync(500, "a-leg-1");
        Assert.Equal("Server Internal Error - the dialplan took too long", error.ReasonPhrase);
        Assert.Equal(0, evaluator.Running);
    }

    [Fact]
    public async Task OwnerWithAnEvaluationRunning_NextCallAtTheLimit_GetsBusyHere()
    {
        var clock = new SteppingTimeProvider(TimeSpan.FromTicks(1));
        var evaluator = new DialplanEvaluator(CallLimits.Default.DialplanRunTime, 1, clock);
        var bench = new CallBench(evaluator: evaluator);
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Respond(480, \"Decided\")");
        clock.HoldNextReading();

        await bench.CallAsAliceAsync("232", "a-leg-1");
        await clock.Held.WaitAsync(TimeSpan.FromSeconds(60));
        await bench.CallAsAliceAsync("232", "a-leg-2");
        var (busy, _) = await bench.Sender.WaitForResponseAsync(486, "a-leg-2");
        clock.Release();
        var (decided, _) = await bench.Sender.WaitForResponseAsync(480, "a-leg-1");

        Assert.Equal("Busy Here - too many dialplans running", busy.ReasonPhrase);
        Assert.Equal("Decided", decided.ReasonPhrase);
    }
}

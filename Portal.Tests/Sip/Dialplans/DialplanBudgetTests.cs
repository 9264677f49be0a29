using Portal.Sip.Dialplans;

using static Portal.Tests.Sip.Dialplans.DialplanTestData;

namespace Portal.Tests.Sip.Dialplans;

/// <summary>One budget for a whole evaluation (DESIGN §10): a runaway dialplan is stopped, not waited out.</summary>
public sealed class DialplanBudgetTests
{
    /// <summary>Only a guard against a hang; nothing here depends on how long things take.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static readonly string Catastrophic = new string('a', 40) + "!";

    [Fact]
    public async Task Evaluate_CatastrophicRegex_IsStoppedWithTheBudgetSpent()
    {
        RulesDialplan dialplan = Parse("when /^(a+)+$/ then sys.Log(\"never\")\nelse sys.Respond(404, \"No route\")");

        // Left alone, this match backtracks 2^40 times; on its own thread it must come back, stopped.
        var stopped = await Assert.ThrowsAsync<DialplanBudgetExceededException>(() =>
            Task.Run(() => dialplan.Evaluate(Call(Catastrophic), DialplanBudget.Start(TimeSpan.FromMilliseconds(100), TimeProvider.System))).WaitAsync(HangGuard));

        Assert.Equal(1, stopped.Line);
        Assert.Contains("100 ms budget", stopped.Message);
    }

    [Fact]
    public async Task Evaluate_ThousandCatastrophicRules_StopsOnceForTheWholeEvaluation()
    {
        string rules = string.Join("\n", Enumerable.Repeat("when /^(a+)+$/ then sys.Respond(486, \"never\")", 999));
        RulesDialplan dialplan = Parse(rules + "\nelse sys.Respond(404, \"No route\")");

        // With a limit per regex this would run 1000 times the limit; one budget stops it inside the first rule.
        var stopped = await Assert.ThrowsAsync<DialplanBudgetExceededException>(() =>
            Task.Run(() => dialplan.Evaluate(Call(Catastrophic), DialplanBudget.Start(TimeSpan.FromMilliseconds(100), TimeProvider.System))).WaitAsync(HangGuard));

        Assert.Equal(1, stopped.Line);
    }

    [Fact]
    public void Evaluate_BudgetSpentBetweenRules_StopsBeforeTheRestAreTried()
    {
        // Each clock reading costs 1 ms of a 100 ms budget: the evaluation cannot reach the 1000th rule.
        string rules = string.Join("\n", Enumerable.Range(1, 1000).Select(n => $"when \"x{n}\" then sys.Log(\"{n}\")"));
        RulesDialplan dialplan = Parse(rules);

        var stopped = Assert.Throws<DialplanBudgetExceededException>(() =>
            dialplan.Evaluate(Call("x1000"), DialplanBudget.Start(TimeSpan.FromMilliseconds(100), new SteppingTimeProvider(TimeSpan.FromMilliseconds(1)))));

        Assert.InRange(stopped.Line, 2, 999);
    }

    [Fact]
    public void Evaluate_WithinTheBudget_DecidesAsBefore()
    {
        RulesDialplan dialplan = Parse(DesignExample);

        DialplanPlan plan = dialplan.Evaluate(Call("0123"), DialplanBudget.Start(TimeSpan.FromMilliseconds(100), new SteppingTimeProvider(TimeSpan.FromMilliseconds(1))));

        Assert.Equal(5, plan.MatchedRule?.Line);
    }

    [Fact]
    public async Task Evaluator_CatastrophicDialplan_ReportsOverBudgetAndLeavesNothingRunning()
    {
        var evaluator = new DialplanEvaluator(TimeSpan.FromMilliseconds(100), 2, TimeProvider.System);
        RulesDialplan dialplan = Parse(string.Join("\n", Enumerable.Repeat("when /^(a+)+$/ then sys.Respond(486, \"never\")", 999)));

        DialplanEvaluation evaluation = await evaluator.EvaluateAsync("owner-1", dialplan, Call(Catastrophic)).WaitAsync(HangGuard);

        Assert.Equal(DialplanEvaluationOutcome.OverBudget, evaluation.Outcome);
        Assert.Null(evaluation.Plan);
        Assert.Contains("100 ms budget", evaluation.Message);
        Assert.Equal(0, evaluator.Running);
    }

    [Fact]
    public async Task Evaluator_OwnerAtTheLimit_IsRefusedAtOnce_WhileAnotherOwnerIsNot()
    {
        var clock = new SteppingTimeProvider(TimeSpan.FromTicks(1));
        var evaluator = new DialplanEvaluator(TimeSpan.FromMilliseconds(100), 1, clock);
        RulesDialplan dialplan = Parse(DesignExample);
        clock.HoldNextReading();

        Task<DialplanEvaluation> first = evaluator.EvaluateAsync("owner-1", dialplan, Call("232"));
        await clock.Held.WaitAsync(HangGuard);
        DialplanEvaluation second = await evaluator.EvaluateAsync("owner-1", dialplan, Call("232")).WaitAsync(HangGuard);
        DialplanEvaluation otherOwner = await evaluator.EvaluateAsync("owner-2", dialplan, Call("232")).WaitAsync(HangGuard);
        clock.Release();
        DialplanEvaluation firstDone = await first.WaitAsync(HangGuard);
        DialplanEvaluation afterwards = await evaluator.EvaluateAsync("owner-1", dialplan, Call("232")).WaitAsync(HangGuard);

        Assert.Equal(DialplanEvaluationOutcome.Busy, second.Outcome);
        Assert.Contains("already running", second.Message);
        Assert.Equal(DialplanEvaluationOutcome.Decided, otherOwner.Outcome);
        Assert.Equal(DialplanEvaluationOutcome.Decided, firstDone.Outcome);
        Assert.Equal(DialplanEvaluationOutcome.Decided, afterwards.Outcome);
    }
}

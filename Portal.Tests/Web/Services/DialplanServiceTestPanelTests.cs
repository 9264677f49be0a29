using Portal.Services;
using Portal.Sip.Dialplans;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Services;

/// <summary>The Test panel's and the editor's service side: the shared budget, and the direct-dialling policy (DESIGN §10).</summary>
public sealed class DialplanServiceTestPanelTests : IAsyncLifetime
{
    private static readonly string Catastrophic = string.Join("\n", Enumerable.Repeat("when /^(a+)+$/ then sys.Respond(486, \"never\")", 999));

    private PortalTestHost host = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        // The production defaults: a 100 ms budget and the default denied networks.
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private DialplanService Service => host.Get<DialplanService>();

    [Fact]
    public async Task TestAsync_CatastrophicRules_ReportsTheBudgetAndLeavesNothingRunning()
    {
        var result = await Service.TestAsync(alice, Catastrophic, new string('a', 40) + "!", null).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Null(result.Plan);
        Assert.Contains("used up its 100 ms budget", result.Problem);
        Assert.Equal(0, host.Get<DialplanEvaluator>().Running);
    }

    [Theory]
    [InlineData("app@127.0.0.1:5080", "Forbidden - direct dialling to this network is not allowed")]
    [InlineData("app@localhost:5080", "localhost resolves into a denied network")]
    public async Task TestAsync_DirectLegToAnInwardAddress_SaysACallWouldFailIt(string dialString, string expected)
    {
        var result = await Service.TestAsync(alice, $"when \"1\" then sys.Dial(\"{dialString}\")", "1", null);

        var leg = Assert.Single(Assert.IsType<DialStep>(Assert.Single(result.Plan!.Steps)).Dial.Groups.Single().Legs);
        Assert.Contains(expected, result.LegRefusals[leg]);
    }

    [Fact]
    public async Task CheckAsync_LiteralInwardHost_IsAWarningAndTheSourceStillSaves()
    {
        const string source = "when \"1\" then sys.Dial(\"app@10.0.0.7\")";

        var check = await Service.CheckAsync(alice, source);
        var saved = await Service.CreateAsync(alice, "default", source);

        Assert.Empty(check.Errors);
        var warning = Assert.Single(check.Warnings);
        Assert.Equal((1, 29), (warning.Line, warning.Column));
        Assert.Equal(1, saved.Version);
    }
}

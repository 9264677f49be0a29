using Bunit;
using Portal.Components.Pages.Dialplans;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Components;

public sealed class DialplanPagesTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalComponentContext ctx = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
        ctx = new PortalComponentContext(host);
        ctx.SignIn(alice);
    }

    public async Task DisposeAsync()
    {
        await ctx.DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task List_CreateTransferButton_CreatesTheTransferDialplanFromTheTemplate()
    {
        var cut = ctx.RenderWithProviders<DialplanList>();

        cut.WaitForElement("#create-transfer").Click();

        cut.WaitForAssertion(() => Assert.Single(host.Get<DialplanService>().ListAsync(alice).GetAwaiter().GetResult()));
        var created = (await host.Get<DialplanService>().ListAsync(alice)).Single();
        Assert.Equal("transfer", created.Name);
        Assert.Equal(DialplanTemplates.Transfer, created.Source);
    }

    [Fact]
    public async Task List_WithTransferDialplan_MarksItAndHidesTheCreateButton()
    {
        await host.Get<DialplanService>().CreateAsync(alice, "transfer", DialplanTemplates.Transfer);

        var cut = ctx.RenderWithProviders<DialplanList>();

        cut.WaitForAssertion(() => Assert.Contains("blind transfer", cut.Find("#dialplan-table").TextContent));
        Assert.Empty(cut.FindAll("#create-transfer"));
    }

    [Fact]
    public async Task Editor_Save_StoresTheSourceAndShowsTheNewVersion()
    {
        var dialplan = await host.Get<DialplanService>().CreateAsync(alice, "default", DialplanTemplates.Outgoing);
        var cut = ctx.RenderWithProviders<DialplanEditor>(p => p.Add(x => x.Id, dialplan.Id));

        PortalComponentContext.Input(cut, "dialplan-source").Input("when /^232$/ then sys.Dial(\"app@voice.example.com\")");
        cut.Find("#save-dialplan").Click();

        cut.WaitForAssertion(() => Assert.Contains("version 2", cut.Markup));
        Assert.Equal("when /^232$/ then sys.Dial(\"app@voice.example.com\")", (await host.Get<DialplanService>().GetAsync(alice, dialplan.Id)).Source);
    }

    [Fact]
    public void Editor_TransferTemplateButton_FillsNameAndSource()
    {
        var cut = ctx.RenderWithProviders<DialplanEditor>();

        cut.Find("#template-transfer").Click();

        Assert.Equal("transfer", PortalComponentContext.Input(cut, "dialplan-name").GetAttribute("value"));
        Assert.Contains("req.URI.User", PortalComponentContext.Input(cut, "dialplan-source").TextContent + PortalComponentContext.Input(cut, "dialplan-source").GetAttribute("value"));
    }

    [Fact]
    public async Task Editor_DuplicateName_ShowsTheErrorAtTheNameField()
    {
        await host.Get<DialplanService>().CreateAsync(alice, "default", DialplanTemplates.Outgoing);
        var cut = ctx.RenderWithProviders<DialplanEditor>();

        PortalComponentContext.Input(cut, "dialplan-name").Change("default");
        PortalComponentContext.Input(cut, "dialplan-source").Input(DialplanTemplates.Outgoing);
        cut.Find("#save-dialplan").Click();

        cut.WaitForAssertion(() => Assert.Contains("You already have a dialplan named 'default'", cut.Markup));
        Assert.Single(await host.Get<DialplanService>().ListAsync(alice));
    }

    [Fact]
    public async Task Editor_InvalidRules_ShowsEachErrorBesideItsLineAndSavesNothing()
    {
        var dialplan = await host.Get<DialplanService>().CreateAsync(alice, "default", DialplanTemplates.Outgoing);
        var cut = ctx.RenderWithProviders<DialplanEditor>(p => p.Add(x => x.Id, dialplan.Id));

        PortalComponentContext.Input(cut, "dialplan-source").Input("when /^1$/ then sys.Dial(\"a@example.com\")\nwhen /^2$/ then sys.Dail(\"b@example.com\")");
        cut.Find("#save-dialplan").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#dialplan-errors")));
        var line = cut.Find(".dialplan-error-line");
        Assert.Equal("2", line.GetAttribute("data-line"));
        Assert.Contains("sys.Dail", line.TextContent);
        Assert.Contains("2:17", cut.Find(".dialplan-error-message").TextContent);
        Assert.Equal(DialplanTemplates.Outgoing, (await host.Get<DialplanService>().GetAsync(alice, dialplan.Id)).Source);
    }

    [Fact]
    public void TestPanel_DialledNumber_ShowsTheMatchedRuleAndWhereEachLegGoes()
    {
        const string rules = "when /^232$/ then sys.Dial(\"app@voice.example.com[fu=xfer-#{sys.CallNumber}]\")\n"
            + "when /^0(\\d+)$/ then sys.Dial(\"$1@local|$1@backup.example.com\")\n"
            + "else sys.Respond(404, \"No route\")";
        var cut = ctx.RenderWithProviders<DialplanTestPanel>(p => p.Add(x => x.Source, rules));

        PortalComponentContext.Input(cut, "test-dialled").Input("0123");
        cut.Find("#run-test").Click();

        cut.WaitForAssertion(() => Assert.Contains("Matched line 2", cut.Find("#test-matched").TextContent));
        Assert.Equal("123@local | 123@backup.example.com", cut.Find(".test-dial-string").TextContent);
        var legs = cut.FindAll(".test-leg").Select(l => l.TextContent).ToList();
        Assert.Contains("rings the phones registered to SIP account '123'", legs[0]);
        Assert.Contains("dialled directly at sip:123@backup.example.com", legs[1]);
    }

    [Fact]
    public void TestPanel_FromUserOption_ShowsTheTokenForThisCall()
    {
        var cut = ctx.RenderWithProviders<DialplanTestPanel>(p => p.Add(x => x.Source,
            "when /^232$/ then sys.Dial(\"app@voice.example.com[fu=xfer-#{sys.CallNumber}]\")"));

        PortalComponentContext.Input(cut, "test-dialled").Input("232");
        cut.Find("#run-test").Click();

        cut.WaitForAssertion(() => Assert.Contains("From user xfer-1", cut.Find(".test-leg").TextContent));
    }

    [Fact]
    public void TestPanel_NoMatch_SaysSoAndShowsThe404()
    {
        var cut = ctx.RenderWithProviders<DialplanTestPanel>(p => p.Add(x => x.Source, "when /^232$/ then sys.Dial(\"app@voice.example.com\")"));

        PortalComponentContext.Input(cut, "test-dialled").Input("999");
        cut.Find("#run-test").Click();

        cut.WaitForAssertion(() => Assert.Contains("No rule matched", cut.Find("#test-matched").TextContent));
        Assert.Contains("404", cut.Find(".test-step").TextContent);
    }

    [Fact]
    public void TestPanel_BrokenRules_AsksToFixThemFirst()
    {
        var cut = ctx.RenderWithProviders<DialplanTestPanel>(p => p.Add(x => x.Source, "when /^232$/ thn sys.Dial(\"x@example.com\")"));

        PortalComponentContext.Input(cut, "test-dialled").Input("232");
        cut.Find("#run-test").Click();

        cut.WaitForAssertion(() => Assert.Contains("fix them first (line 1", cut.Find("#test-problem").TextContent));
    }

    [Fact]
    public void TestPanel_RunawayRules_SayTheyUsedUpTheBudget()
    {
        var rules = string.Join("\n", Enumerable.Repeat("when /^(a+)+$/ then sys.Respond(486, \"never\")", 999));
        var cut = ctx.RenderWithProviders<DialplanTestPanel>(p => p.Add(x => x.Source, rules));

        PortalComponentContext.Input(cut, "test-dialled").Input(new string('a', 40) + "!");
        cut.Find("#run-test").Click();

        cut.WaitForAssertion(() => Assert.Contains("used up its 100 ms budget", cut.Find("#test-problem").TextContent), TimeSpan.FromSeconds(30));
        Assert.Contains("A call would get 500", cut.Find("#test-problem").TextContent);
    }

    [Fact]
    public void TestPanel_DirectLegToLoopback_SaysACallWouldFailIt()
    {
        var cut = ctx.RenderWithProviders<DialplanTestPanel>(p => p.Add(x => x.Source, "when /^1$/ then sys.Dial(\"app@127.0.0.1:5080|app@192.0.2.20\")"));

        PortalComponentContext.Input(cut, "test-dialled").Input("1");
        cut.Find("#run-test").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".test-leg-refused")));
        var legs = cut.FindAll(".test-leg");
        Assert.Contains("direct dialling to this network is not allowed", legs[0].TextContent);
        Assert.DoesNotContain("would fail", legs[1].TextContent);
    }

    [Fact]
    public void Editor_Check_ShowsADirectDialWarningWithItsLine()
    {
        var cut = ctx.RenderWithProviders<DialplanEditor>();

        PortalComponentContext.Input(cut, "dialplan-source").Input("when /^1$/ then sys.Dial(\"app@192.168.1.20\")");
        cut.Find("#check-dialplan").Click();

        cut.WaitForAssertion(() => Assert.Contains("Line 1, column 31", cut.Find(".dialplan-warning").TextContent));
        Assert.Contains("direct dialling to this network is not allowed", cut.Find(".dialplan-warning").TextContent);
        Assert.Empty(cut.FindAll("#dialplan-check-ok"));
    }
}

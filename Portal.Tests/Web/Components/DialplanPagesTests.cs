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
}

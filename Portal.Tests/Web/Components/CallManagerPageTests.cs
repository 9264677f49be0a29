using Bunit;
using Portal.Components.Pages.CallManager;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Components;

public sealed class CallManagerPageTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalComponentContext ctx = null!;
    private PortalCaller alice = null!;
    private PortalCaller bob = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
        bob = await host.CreateUserAsync("bob");
        ctx = new PortalComponentContext(host);
        ctx.SignIn(alice);
    }

    public async Task DisposeAsync()
    {
        await ctx.DisposeAsync();
        await host.DisposeAsync();
    }

    private CallManagerKeyService Keys => host.Get<CallManagerKeyService>();

    [Fact]
    public async Task Keys_ListsOnlyTheSignedInUsersKeys()
    {
        var mine = await Keys.CreateAsync(alice, "tropo");
        var theirs = await Keys.CreateAsync(bob, "bobs-app");

        var cut = ctx.RenderWithProviders<CallManagerPage>();

        cut.WaitForAssertion(() => Assert.Contains($"pk_{mine.Prefix}_…", cut.Find("#key-table").TextContent));
        var table = cut.Find("#key-table").TextContent;
        Assert.Contains("tropo", table);
        Assert.Contains("never", table);
        Assert.Contains("active", table);
        Assert.DoesNotContain("bobs-app", cut.Markup);
        Assert.DoesNotContain(theirs.Prefix, cut.Markup);
        // A stored key is never shown again, not even to its owner.
        Assert.DoesNotContain(mine.Key, cut.Markup);
    }

    [Fact]
    public void TransferUrl_UsesTheRequestsBaseUri()
    {
        var cut = ctx.RenderWithProviders<CallManagerPage>();

        cut.WaitForAssertion(() => Assert.Equal("http://localhost/callmanager/blindtransfer", cut.Find("#transfer-url").TextContent));
        Assert.Contains("/callmanager.svc/blindtransfer", cut.Markup);
    }

    [Fact]
    public async Task NewKey_IsShownOnceListedAndFilledIntoTheSnippets()
    {
        var cut = ctx.RenderWithProviders<CallManagerPage>();
        cut.WaitForElement("#no-keys");
        cut.WaitForAssertion(() => Assert.Contains($"KEY = \"{CallManagerSnippets.KeyPlaceholder}\"", cut.Find("#snippet-ruby").TextContent));

        cut.Find("#new-key").Click();
        cut.WaitForElement("#key-name");
        PortalComponentContext.Input(cut, "key-name").Input("tropo");
        cut.Find("#create-key").Click();

        cut.WaitForElement("#created-key-value");
        var key = cut.Find("#created-key-value").TextContent;
        var stored = Assert.Single(await Keys.ListAsync(alice));
        Assert.Equal("tropo", stored.Name);
        Assert.StartsWith($"pk_{stored.Prefix}_", key);
        Assert.Contains("cannot be shown again", cut.Find("#created-key").TextContent);
        cut.WaitForAssertion(() => Assert.Contains("tropo", cut.Find("#key-table").TextContent));
        cut.WaitForAssertion(() => Assert.Contains($"KEY = \"{key}\"", cut.Find("#snippet-ruby").TextContent));
        Assert.Equal(key, PortalComponentContext.Input(cut, "snippet-key").GetAttribute("value"));

        // Leaving and coming back: the key is gone for good, the row stays.
        await ctx.DisposeComponentsAsync();
        var again = ctx.RenderWithProviders<CallManagerPage>();
        again.WaitForAssertion(() => Assert.Contains($"pk_{stored.Prefix}_…", again.Find("#key-table").TextContent));
        Assert.DoesNotContain(key, again.Markup);
        Assert.Empty(again.FindAll("#created-key"));
    }

    [Fact]
    public async Task NewKey_TooLongName_ShowsTheErrorOnTheField()
    {
        var cut = ctx.RenderWithProviders<CallManagerPage>();
        cut.WaitForElement("#no-keys");

        cut.Find("#new-key").Click();
        cut.WaitForElement("#key-name");
        PortalComponentContext.Input(cut, "key-name").Input(new string('k', 65));
        cut.Find("#create-key").Click();

        cut.WaitForAssertion(() => Assert.Contains("at most 64 characters", cut.Find(".mud-dialog").TextContent));
        Assert.Empty(await Keys.ListAsync(alice));
        Assert.Empty(cut.FindAll("#created-key"));
    }

    [Fact]
    public async Task Revoke_AfterConfirming_MarksTheKeyRevoked()
    {
        var key = await Keys.CreateAsync(alice, "tropo");
        var cut = ctx.RenderWithProviders<CallManagerPage>();
        cut.WaitForAssertion(() => Assert.Contains("active", cut.Find("#key-table .key-status").TextContent));

        cut.Find("#key-table button.revoke-key").Click();
        cut.WaitForElement(".mud-dialog");
        cut.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        cut.WaitForAssertion(() => Assert.Contains("revoked", cut.Find("#key-table .key-status").TextContent));
        Assert.Empty(cut.FindAll("#key-table button.revoke-key"));
        var stored = Assert.Single(await Keys.ListAsync(alice));
        Assert.Equal(key.Id, stored.Id);
        Assert.NotNull(stored.RevokedAt);
    }

    [Fact]
    public void Snippets_CarryTheUserNameAndTheVoiceAppAddress()
    {
        var cut = ctx.RenderWithProviders<CallManagerPage>();
        cut.WaitForElement("#snippet-ruby");

        Assert.Contains("USER = \"alice\"", cut.Find("#snippet-ruby").TextContent);
        Assert.Contains("http://localhost/callmanager/blindtransfer", cut.Find("#snippet-ruby").TextContent);
        Assert.Contains("dialplans", cut.Find("#transfer-dialplan-hint").InnerHtml);
    }
}

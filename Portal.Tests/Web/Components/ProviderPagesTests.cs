using Bunit;
using Portal.Components.Pages.Providers;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Components;

public sealed class ProviderPagesTests : IAsyncLifetime
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
    public async Task Editor_ExistingProvider_NeverShowsThePasswordBack()
    {
        var created = await host.Get<ProviderService>().CreateAsync(alice, new ProviderInput { Name = "trunk", Server = "sip.example.com", AuthUsername = "acct", Password = "pr0vider-secret" });

        var cut = ctx.RenderWithProviders<ProviderEditor>(p => p.Add(x => x.Id, created.Id));

        cut.WaitForAssertion(() => Assert.Equal("sip:sip.example.com", PortalComponentContext.Input(cut, "provider-server").GetAttribute("value")));
        Assert.DoesNotContain("pr0vider-secret", cut.Markup);
        Assert.True(string.IsNullOrEmpty(PortalComponentContext.Input(cut, "provider-password").GetAttribute("value")));
        Assert.Contains("A password is stored", cut.Markup);
    }

    [Fact]
    public async Task Editor_Create_SavesAndShowsFieldErrors()
    {
        var cut = ctx.RenderWithProviders<ProviderEditor>();

        PortalComponentContext.Input(cut, "provider-name").Change("trunk");
        PortalComponentContext.Input(cut, "provider-server").Change("not a host");
        cut.Find("#save-provider").Click();
        cut.WaitForAssertion(() => Assert.Contains("Enter the provider's SIP server", cut.Markup));

        PortalComponentContext.Input(cut, "provider-server").Change("sip.example.com");
        cut.Find("#save-provider").Click();
        cut.WaitForAssertion(() => Assert.Single(host.Get<ProviderService>().ListAsync(alice).GetAwaiter().GetResult()));
    }

    [Fact]
    public async Task List_RegistrationResult_AppearsWithoutAReload()
    {
        var created = await host.Get<ProviderService>().CreateAsync(alice, new ProviderInput
        {
            Name = "trunk", Server = "sip.example.com", AuthUsername = "acct", Password = "pw", Register = true,
        });
        var cut = ctx.RenderWithProviders<ProviderList>();
        cut.WaitForAssertion(() => Assert.Contains("Registering", cut.Find("td.provider-registration").TextContent));

        await using (var db = await host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>().CreateDbContextAsync())
        {
            var row = await db.SipProviders.FindAsync(created.Id);
            row!.RegistrationState = Portal.Data.Entities.ProviderRegistrationState.Failed;
            row.RegistrationError = "403 Forbidden (check the user name and password)";
            await db.SaveChangesAsync();
        }

        host.Get<Portal.SipIntegration.ProviderStatusEvents>().Publish(created.Id);

        cut.WaitForAssertion(() => Assert.Contains("403 Forbidden", cut.Find("td.provider-registration").TextContent));
    }
}

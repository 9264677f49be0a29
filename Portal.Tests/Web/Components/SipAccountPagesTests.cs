using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.SipAccounts;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Components;

public sealed class SipAccountPagesTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalComponentContext ctx = null!;
    private PortalCaller alice = null!;
    private PortalCaller mallory = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
        mallory = await host.CreateUserAsync("mallory");
        ctx = new PortalComponentContext(host);
        ctx.SignIn(alice);
    }

    public async Task DisposeAsync()
    {
        await ctx.DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task List_ShowsOnlyTheCallersAccounts()
    {
        await host.Get<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice-desk", Password = "s3cret-pass" });
        await host.Get<SipAccountService>().CreateAsync(mallory, new SipAccountInput { Username = "mallory-desk", Password = "s3cret-pass" });

        var cut = ctx.RenderWithProviders<SipAccountList>();

        cut.WaitForAssertion(() => Assert.Contains("alice-desk", cut.Find("#sip-account-table").TextContent));
        Assert.DoesNotContain("mallory-desk", cut.Markup);
        Assert.Contains("@sip.example.test", cut.Markup);
    }

    [Fact]
    public async Task List_ShowsEachRegistrationsContactSourceTransportNatUserAgentExpiry_AndWhetherItIsUnreachable()
    {
        var account = await host.Get<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice-desk", Password = "s3cret-pass" });
        var now = host.Get<TimeProvider>().GetUtcNow().UtcDateTime;
        await using (var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            db.SipBindings.Add(new SipBinding
            {
                SipAccountId = account.Id, ContactUri = "sip:alice-desk@192.168.1.50:5060", ReceivedFrom = "udp:203.0.113.9:41000",
                UserAgent = "Yealink T46", CallId = "c1", CSeq = 1, ExpiresAt = now.AddMinutes(9.5),
            });
            db.SipBindings.Add(new SipBinding
            {
                SipAccountId = account.Id, ContactUri = "sip:alice-desk@192.168.1.51:5060", ReceivedFrom = "udp:203.0.113.9:41002",
                UserAgent = "old phone", CallId = "c2", CSeq = 1, ExpiresAt = now.AddMinutes(10), UnreachableSince = now.AddMinutes(-1),
            });
            db.SipBindings.Add(new SipBinding
            {
                SipAccountId = account.Id, ContactUri = "sip:alice-desk@198.51.100.4:5070;transport=tcp", ReceivedFrom = "tcp:198.51.100.4:5070",
                CallId = "c3", CSeq = 1, ExpiresAt = now.AddMinutes(10),
            });
            await db.SaveChangesAsync();
        }

        var cut = ctx.RenderWithProviders<SipAccountList>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("div.registration").Count));
        var nated = cut.Find("div.registration[data-contact='sip:alice-desk@192.168.1.50:5060']").TextContent;
        Assert.Contains("from 203.0.113.9:41000 over UDP (behind NAT)", nated);
        Assert.Contains("Yealink T46", nated);
        Assert.Contains("expires in 9 min", nated);
        Assert.DoesNotContain("Unreachable", nated);
        Assert.Contains("Unreachable since", cut.Find("div.registration[data-contact='sip:alice-desk@192.168.1.51:5060']").TextContent);
        var tcp = cut.Find("div.registration[data-contact='sip:alice-desk@198.51.100.4:5070;transport=tcp']").TextContent;
        Assert.Contains("from 198.51.100.4:5070 over TCP", tcp);
        Assert.DoesNotContain("behind NAT", tcp);
    }

    [Fact]
    public void List_NoAccounts_SaysHowToStart()
    {
        var cut = ctx.RenderWithProviders<SipAccountList>();
        cut.WaitForAssertion(() => Assert.Contains("no SIP accounts yet", cut.Find("#no-sip-accounts").TextContent));
    }

    [Fact]
    public async Task Editor_Create_SavesTheAccountAndReturnsToTheList()
    {
        await host.Get<DialplanService>().CreateAsync(alice, "default", DialplanTemplates.Outgoing);
        var cut = ctx.RenderWithProviders<SipAccountEditor>();

        PortalComponentContext.Input(cut, "sip-username").Change("alice");
        PortalComponentContext.Input(cut, "sip-password").Change("s3cret-pass");
        cut.Find("#save-sip-account").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("/sip-accounts", ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri));
        var saved = Assert.Single(await host.Get<SipAccountService>().ListAsync(alice));
        Assert.Equal("alice", saved.Username);
    }

    [Fact]
    public async Task Editor_CallersMayTransfer_IsOffByDefault_AndSavedWhenSwitchedOn()
    {
        var created = await host.Get<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice-desk", Password = "s3cret-pass" });
        Assert.False(created.CallersMayTransfer);
        var cut = ctx.RenderWithProviders<SipAccountEditor>(p => p.Add(e => e.Id, created.Id));
        cut.WaitForAssertion(() => Assert.Equal("alice-desk", cut.Find("#sip-username").GetAttribute("value")));

        var toggle = cut.Find("#callers-may-transfer");
        (toggle.TagName == "INPUT" ? toggle : toggle.QuerySelector("input")!).Change(true);
        cut.Find("#save-sip-account").Click();

        cut.WaitForAssertion(() => Assert.True(Assert.Single(host.Get<SipAccountService>().ListAsync(alice).Result).CallersMayTransfer));
        Assert.True((await host.Get<Portal.Sip.Auth.ISipAccountDirectory>().FindAsync("alice-desk"))!.CallersMayTransfer);
    }

    [Fact]
    public async Task List_MarksTheAccountsWhoseCallersMayTransfer()
    {
        await host.Get<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice-front", Password = "s3cret-pass", CallersMayTransfer = true });
        await host.Get<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice-desk", Password = "s3cret-pass" });

        var cut = ctx.RenderWithProviders<SipAccountList>();

        cut.WaitForAssertion(() => Assert.Contains("alice-front", Assert.Single(cut.FindAll(".callers-may-transfer")).Closest("tr")!.TextContent));
    }

    [Fact]
    public async Task Editor_ShortPassword_ShowsTheErrorBesideTheFieldAndSavesNothing()
    {
        var cut = ctx.RenderWithProviders<SipAccountEditor>();

        PortalComponentContext.Input(cut, "sip-username").Change("alice");
        PortalComponentContext.Input(cut, "sip-password").Change("123");
        cut.Find("#save-sip-account").Click();

        cut.WaitForAssertion(() => Assert.Contains("Set a SIP password of 10 to 128 characters", cut.Markup));
        Assert.Empty(await host.Get<SipAccountService>().ListAsync(alice));
    }

    [Fact]
    public async Task Editor_Generate_FillsAStrongPasswordShownWithACopyButton_ThatTheAccountIsCreatedWith()
    {
        var cut = ctx.RenderWithProviders<SipAccountEditor>();
        PortalComponentContext.Input(cut, "sip-username").Change("alice");

        cut.Find("#generate-password").Click();

        cut.WaitForAssertion(() => Assert.Equal("text", PortalComponentContext.Input(cut, "sip-password").GetAttribute("type")));
        var field = PortalComponentContext.Input(cut, "sip-password");
        var generated = field.GetAttribute("value")!;
        Assert.Equal("text", field.GetAttribute("type"));
        Assert.Equal(RandomPassword.DefaultLength, generated.Length);
        Assert.NotNull(cut.Find("#copy-sip-password"));
        cut.Find("#save-sip-account").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("/sip-accounts", ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri));
        var account = await host.Get<Portal.Sip.Auth.ISipAccountDirectory>().FindAsync("alice");
        Assert.Equal(Portal.Sip.Auth.DigestHash.Ha1(Portal.Sip.Auth.DigestAlgorithm.Md5, "alice", "sip.example.test", generated), account!.Ha1Md5);
    }

    [Fact]
    public async Task Editor_AnotherUsersAccountId_ShowsNotFoundAndNothingOfIt()
    {
        var theirs = await host.Get<SipAccountService>().CreateAsync(mallory, new SipAccountInput { Username = "mallory-desk", Password = "s3cret-pass" });

        var cut = ctx.RenderWithProviders<SipAccountEditor>(p => p.Add(x => x.Id, theirs.Id));

        cut.WaitForAssertion(() => Assert.Contains("does not exist, or is not yours", cut.Find("#not-found").TextContent));
        Assert.DoesNotContain("mallory-desk", cut.Markup);
    }

    [Fact]
    public async Task Editor_DialplanPicker_OffersOnlyTheCallersDialplans()
    {
        await host.Get<DialplanService>().CreateAsync(alice, "alice-out", DialplanTemplates.Outgoing);
        await host.Get<DialplanService>().CreateAsync(mallory, "mallory-out", DialplanTemplates.Outgoing);
        var cut = ctx.RenderWithProviders<SipAccountEditor>();

        // MudSelect opens its list (rendered by the popover provider) on mouse-down.
        cut.Find("#out-dialplan").ParentElement!.MouseDown();

        cut.WaitForAssertion(() => Assert.Contains("alice-out", cut.Markup));
        Assert.DoesNotContain("mallory-out", cut.Markup);
    }
}

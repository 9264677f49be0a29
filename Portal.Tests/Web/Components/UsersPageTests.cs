using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Admin;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Components;

public sealed class UsersPageTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalComponentContext ctx = null!;
    private PortalCaller root = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        root = await host.CreateUserAsync("root", admin: true);
        alice = await host.CreateUserAsync("alice");
        ctx = new PortalComponentContext(host);
        ctx.SignIn(root);
    }

    public async Task DisposeAsync()
    {
        await ctx.DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public void List_ShowsUsersWithRoles()
    {
        var cut = ctx.RenderWithProviders<Users>();

        cut.WaitForAssertion(() => Assert.Contains("alice@example.test", cut.Find("#user-table").TextContent));
        Assert.Contains("admin@example.test", cut.Markup);
    }

    [Fact]
    public async Task Suspend_WithReason_SuspendsTheUserAndShowsTheReason()
    {
        var cut = ctx.RenderWithProviders<Users>();
        cut.WaitForAssertion(() => Assert.Contains("alice", cut.Find("#user-table").TextContent));

        var row = cut.FindAll("#user-table tbody tr").Single(r => r.TextContent.Contains("alice@example.test"));
        row.QuerySelectorAll("button").Single(b => b.TextContent.Contains("Suspend")).Click();
        cut.WaitForElement("#suspend-reason");
        PortalComponentContext.Input(cut, "suspend-reason").Input("Unpaid invoice");
        cut.Find("#confirm-suspend").Click();

        cut.WaitForAssertion(() => Assert.Contains("Unpaid invoice", cut.Find("#user-table").TextContent));
        await using var scope = host.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(alice.UserId);
        Assert.True(user!.IsSuspended);
    }

    [Fact]
    public void OwnRow_OffersNoSuspendOrRevoke()
    {
        var cut = ctx.RenderWithProviders<Users>();
        cut.WaitForAssertion(() => Assert.Contains("root", cut.Find("#user-table").TextContent));

        var row = cut.FindAll("#user-table tbody tr").Single(r => r.TextContent.Contains("root@example.test"));
        Assert.Equal(["Change the call limit of root", "Change the calls per hour and day of root"],
            row.QuerySelectorAll("button").Select(b => b.GetAttribute("aria-label")));
        Assert.Empty(row.QuerySelectorAll("button.reset-password"));
    }

    [Fact]
    public async Task CallLimit_SetInTheDialog_ShowsInTheTable_AndClearingGoesBackToTheDefault()
    {
        var cut = ctx.RenderWithProviders<Users>();
        cut.WaitForAssertion(() => Assert.Contains("alice", cut.Find("#user-table").TextContent));
        Assert.Equal("default (10)", AliceRow(cut).QuerySelector(".call-limit")!.TextContent.Trim());

        AliceRow(cut).QuerySelector("button.edit-call-limit")!.Click();
        cut.WaitForElement("#call-limit");
        PortalComponentContext.Input(cut, "call-limit").Input("5");
        cut.Find("#confirm-call-limit").Click();

        cut.WaitForAssertion(() => Assert.Equal("5", AliceRow(cut).QuerySelector(".call-limit")!.TextContent.Trim()));
        Assert.Contains("alice may have 5 calls at once.", cut.Markup);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(alice.UserId);
            Assert.Equal(5, user!.MaxConcurrentCalls);
        }

        AliceRow(cut).QuerySelector("button.edit-call-limit")!.Click();
        cut.WaitForElement("#call-limit");
        PortalComponentContext.Input(cut, "call-limit").Input("");
        cut.Find("#confirm-call-limit").Click();

        cut.WaitForAssertion(() => Assert.Equal("default (10)", AliceRow(cut).QuerySelector(".call-limit")!.TextContent.Trim()));
    }

    [Fact]
    public async Task CallVelocity_SetInTheDialog_ShowsInTheTable_AndReachesTheUser()
    {
        var cut = ctx.RenderWithProviders<Users>();
        cut.WaitForAssertion(() => Assert.Contains("alice", cut.Find("#user-table").TextContent));
        Assert.Equal("default (300) / default (2000)", Squash(AliceRow(cut).QuerySelector(".call-velocity")!.TextContent));

        AliceRow(cut).QuerySelector("button.edit-call-velocity")!.Click();
        cut.WaitForElement("#calls-per-hour");
        PortalComponentContext.Input(cut, "calls-per-hour").Input("30");
        PortalComponentContext.Input(cut, "calls-per-day").Input("0");
        cut.Find("#confirm-call-velocity").Click();

        cut.WaitForAssertion(() => Assert.Equal("30 / unlimited", Squash(AliceRow(cut).QuerySelector(".call-velocity")!.TextContent)));
        Assert.Contains("alice may start 30 calls per hour and unlimited per day.", cut.Markup);
        await using var scope = host.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(alice.UserId);
        Assert.Equal((30, 0), (user!.MaxCallsPerHour, user.MaxCallsPerDay));
    }

    private static string Squash(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public async Task ResetPassword_LeftEmpty_ShowsAGeneratedPasswordOnceWithACopyButton_ThatSignsIn()
    {
        var cut = ctx.RenderWithProviders<Users>();
        cut.WaitForAssertion(() => Assert.Contains("alice", cut.Find("#user-table").TextContent));

        AliceRow(cut).QuerySelector("button.reset-password")!.Click();
        cut.WaitForElement("#reset-password-input");
        Assert.Contains("Generate and reset", cut.Find("#confirm-reset-password").TextContent);
        cut.Find("#confirm-reset-password").Click();

        var shown = cut.WaitForElement("#generated-password").TextContent.Trim();
        Assert.Equal(RandomPassword.DefaultLength, shown.Length);
        Assert.NotNull(cut.Find("#copy-generated-password"));
        Assert.True(await PasswordWorksAsync(shown));

        cut.Find("#close-reset-password").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#generated-password")));
        Assert.Contains("alice has a new password and was signed out everywhere.", cut.Markup);
    }

    [Fact]
    public async Task ResetPassword_TypedTooShort_ShowsWhyAndKeepsTheOldPassword()
    {
        var cut = ctx.RenderWithProviders<Users>();
        cut.WaitForAssertion(() => Assert.Contains("alice", cut.Find("#user-table").TextContent));

        AliceRow(cut).QuerySelector("button.reset-password")!.Click();
        cut.WaitForElement("#reset-password-input");
        PortalComponentContext.Input(cut, "reset-password-input").Input("short");
        cut.Find("#confirm-reset-password").Click();

        cut.WaitForAssertion(() => Assert.Contains("at least 8 characters", cut.Markup));
        Assert.Empty(cut.FindAll("#generated-password"));
        Assert.True(await PasswordWorksAsync("password-123"));
    }

    private async Task<bool> PasswordWorksAsync(string password)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await users.CheckPasswordAsync((await users.FindByIdAsync(alice.UserId))!, password);
    }

    private static AngleSharp.Dom.IElement AliceRow(IRenderedComponent<MudProviders> cut) =>
        cut.FindAll("#user-table tbody tr").Single(r => r.TextContent.Contains("alice@example.test"));
}

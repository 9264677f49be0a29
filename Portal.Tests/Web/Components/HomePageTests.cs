using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Components;

public sealed class HomePageTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalComponentContext ctx = null!;
    private PortalCaller alice = null!;
    private SipAccountSummary account = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
        account = await host.Get<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice", Password = "s3cret-pass" });
        var now = DateTime.UtcNow;
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.CallRecords.Add(new CallRecord { OwnerId = alice.UserId, CallerCallId = "1", From = "alice", To = "232", StartedAt = now.AddMinutes(-5), Status = CallStatus.Completed });
        db.CallRecords.Add(new CallRecord { OwnerId = alice.UserId, CallerCallId = "2", From = "alice", To = "232", StartedAt = now.AddHours(-30), Status = CallStatus.Completed });
        await db.SaveChangesAsync();
        ctx = new PortalComponentContext(host);
        ctx.Services.AddSingleton(host.Get<DashboardService>());
        ctx.SignIn(alice);
    }

    public async Task DisposeAsync()
    {
        await ctx.DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public void Home_ShowsTodaysCallsAndTheLastDayChart()
    {
        var cut = ctx.RenderWithProviders<Home>();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("#calls-per-hour").GetAttribute("data-total")));
        Assert.Equal("0", cut.Find("#registrations-now").TextContent.Trim());
        Assert.NotNull(cut.Find("#calls-per-hour svg"));
    }

    [Fact]
    public void Home_WithoutRefusedCalls_ShowsNoCallLimitNotice()
    {
        var cut = ctx.RenderWithProviders<Home>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#calls-per-hour")));
        Assert.Empty(cut.FindAll("#call-limit-notice"));
    }

    [Fact]
    public async Task Home_CallsRefusedForTheCallLimitToday_ShowANotice_OnlyToTheirOwner()
    {
        var bob = await host.CreateUserAsync("bob");
        await using (var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var audit = host.Get<AuditLog>();
            audit.AddForOwner(db, alice.UserId, "sip:alice", "call.limit", "sip:alice@x to sip:900@x",
                "daily call limit reached: 2000 calls in the last day, the limit is 2000", "192.0.2.10");
            audit.AddForOwner(db, bob.UserId, "sip:bob", "call.limit", "sip:bob@x to sip:900@x", "hourly call limit reached: bob's", "192.0.2.11");
            db.AuditEntries.Add(new AuditEntry
            {
                OwnerId = alice.UserId, Actor = "sip:alice", Action = "call.limit", Target = "old", Detail = "hourly call limit reached: two days ago",
                At = DateTime.UtcNow.AddDays(-2),
            });
            await db.SaveChangesAsync();
        }

        var cut = ctx.RenderWithProviders<Home>();

        cut.WaitForAssertion(() => Assert.Contains("Some of your calls were refused", cut.Find("#call-limit-notice").TextContent));
        var refusal = Assert.Single(cut.FindAll(".call-limit-refusal"));
        Assert.Contains("daily call limit reached: 2000 calls in the last day, the limit is 2000", refusal.TextContent);
    }

    [Fact]
    public async Task Home_PhoneRegisters_CountUpdatesWithoutAReload()
    {
        var cut = ctx.RenderWithProviders<Home>();
        cut.WaitForAssertion(() => Assert.Equal("0", cut.Find("#registrations-now").TextContent.Trim()));

        await using (var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            db.SipBindings.Add(new SipBinding { SipAccountId = account.Id, ContactUri = "sip:alice@127.0.0.1:5062", ReceivedFrom = "udp:127.0.0.1:5062", CallId = "c", ExpiresAt = DateTime.UtcNow.AddMinutes(10) });
            await db.SaveChangesAsync();
        }

        host.Get<SipRegistrationEvents>().Publish(account.Id);

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("#registrations-now").TextContent.Trim()));
    }
}

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

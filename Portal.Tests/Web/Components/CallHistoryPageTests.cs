using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Pages.History;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Components;

public sealed class CallHistoryPageTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalComponentContext ctx = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
        var mallory = await host.CreateUserAsync("mallory");
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var start = new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);
        db.CallRecords.Add(new CallRecord { OwnerId = alice.UserId, CallerCallId = "a1", From = "alice", To = "232", StartedAt = start, Status = CallStatus.Completed, DurationSeconds = 75, TransferredTo = "5551234" });
        db.CallRecords.Add(new CallRecord { OwnerId = alice.UserId, CallerCallId = "a2", From = "alice", To = "999", StartedAt = start.AddMinutes(1), Status = CallStatus.Failed, HangupReason = "404 No route" });
        db.CallRecords.Add(new CallRecord { OwnerId = mallory.UserId, CallerCallId = "m1", From = "mallory", To = "666", StartedAt = start, Status = CallStatus.Completed });
        await db.SaveChangesAsync();
        ctx = new PortalComponentContext(host);
        ctx.Services.AddSingleton(host.Get<CallHistoryService>());
        ctx.SignIn(alice);
    }

    public async Task DisposeAsync()
    {
        await ctx.DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public void History_ShowsTheCallersCallsWithOutcomeAndTransfer()
    {
        var cut = ctx.RenderWithProviders<CallHistory>();

        cut.WaitForAssertion(() => Assert.Contains("404 No route", cut.Find("#history-table").TextContent));
        var text = cut.Find("#history-table").TextContent;
        Assert.Contains("0:01:15", text);
        Assert.Contains("5551234", text);
        Assert.DoesNotContain("666", text);
    }

    [Fact]
    public void History_NumberFilter_NarrowsTheListAndTheExportLink()
    {
        var cut = ctx.RenderWithProviders<CallHistory>();
        cut.WaitForAssertion(() => Assert.Contains("999", cut.Find("#history-table").TextContent));

        PortalComponentContext.Input(cut, "filter-number").Input("999");

        cut.WaitForAssertion(() => Assert.DoesNotContain("232", cut.Find("#history-table tbody").TextContent), TimeSpan.FromSeconds(3));
        cut.WaitForAssertion(() => Assert.Contains("calls/history.csv?number=999", cut.Find("#export-csv").GetAttribute("href")));
    }
}

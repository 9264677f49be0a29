using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.YourAccount;
using Portal.Components.Pages.Admin;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Components;

public sealed class AuditPagesTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalComponentContext ctx = null!;
    private PortalCaller admin = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        admin = await host.CreateUserAsync("root", admin: true);
        alice = await host.CreateUserAsync("alice");
        await host.CreateUserAsync("mallory");
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var at = new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);
        db.AuditEntries.Add(new AuditEntry { Actor = "alice", Action = "dialplan.update", Target = "default", Detail = "version 7", At = at });
        db.AuditEntries.Add(new AuditEntry { Actor = "root", Action = "user.suspend", Target = "alice", Detail = "unpaid", At = at.AddMinutes(1) });
        db.AuditEntries.Add(new AuditEntry { Actor = "mallory", Action = "provider.create", Target = "shady-trunk", SourceIp = "203.0.113.9", At = at.AddMinutes(2) });
        await db.SaveChangesAsync();
        ctx = new PortalComponentContext(host);
        ctx.Services.AddSingleton(host.Get<AuditTrailService>());
    }

    public async Task DisposeAsync()
    {
        await ctx.DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public void AdminAudit_ShowsEveryUsersEntriesWithWhoWhatWhenAndWhere()
    {
        ctx.SignIn(admin);
        var cut = ctx.RenderWithProviders<Audit>();

        cut.WaitForAssertion(() => Assert.Contains("shady-trunk", cut.Find("#audit-table").TextContent));
        var text = cut.Find("#audit-table").TextContent;
        Assert.Contains("203.0.113.9", text);
        Assert.Contains("version 7", text);
        Assert.Contains("2026-11-26 10:01:00", text);
    }

    [Fact]
    public void AdminAudit_UserFilter_NarrowsTheListAndTheExportLink()
    {
        ctx.SignIn(admin);
        var cut = ctx.RenderWithProviders<Audit>();
        cut.WaitForAssertion(() => Assert.Contains("shady-trunk", cut.Find("#audit-table").TextContent));

        PortalComponentContext.Input(cut, "filter-actor").Input("mallory");

        cut.WaitForAssertion(() => Assert.DoesNotContain("version 7", cut.Find("#audit-table tbody").TextContent), TimeSpan.FromSeconds(3));
        Assert.Contains("shady-trunk", cut.Find("#audit-table tbody").TextContent);
        cut.WaitForAssertion(() => Assert.Equal("admin/audit.csv?actor=mallory", cut.Find("#export-csv").GetAttribute("href")));
    }

    [Fact]
    public void Activity_ShowsOnlyTheUsersOwnEntries_WithoutAUserFilter()
    {
        ctx.SignIn(alice);
        var cut = ctx.RenderWithProviders<Activity>();

        cut.WaitForAssertion(() => Assert.Contains("unpaid", cut.Find("#audit-table").TextContent));
        var text = cut.Find("#audit-table").TextContent;
        Assert.Contains("version 7", text);
        Assert.DoesNotContain("shady-trunk", text);
        Assert.Empty(cut.FindAll("#filter-actor"));
        Assert.Equal("account/activity.csv", cut.Find("#export-csv").GetAttribute("href"));
    }
}

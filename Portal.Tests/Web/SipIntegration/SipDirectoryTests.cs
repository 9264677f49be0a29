using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Auth;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls;
using Portal.SipIntegration.Directory;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.SipIntegration;

/// <summary>
/// The SIP directory (DESIGN §10): lookups come from memory once it is loaded, a save in the portal takes
/// effect for the very next lookup, and changes made behind its back arrive with the periodic refresh.
/// </summary>
public sealed class SipDirectoryTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalCaller alice = null!;
    private SipDirectory directory = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
        await host.Get<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice", Password = "first-password" });
        await host.Get<DialplanService>().CreateAsync(alice, "default", "when /^1$/ then sys.Dial(\"one@local\")");
        directory = host.Get<SipDirectory>();
        await directory.LoadAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Loaded_LookupsComeFromMemory_NotTheDatabase()
    {
        // Rows removed behind the directory's back (no save it hears of) are still answered from memory.
        await ExecuteSqlAsync("DELETE FROM \"SipAccounts\"; DELETE FROM \"Dialplans\";");

        Assert.Equal("alice", (await directory.FindAsync("alice"))?.Username);
        Assert.Null(await directory.FindAsync("mallory"));
        Assert.NotNull(await ((IDialplanSource)directory).GetAsync(alice.UserId, "default"));
    }

    [Fact]
    public async Task SavedInThePortal_TakesEffectForTheNextLookup()
    {
        var accounts = host.Get<SipAccountService>();
        var before = (await directory.FindAsync("alice"))!.Ha1Md5;
        var id = (await accounts.ListAsync(alice)).Single().Id;

        await accounts.UpdateAsync(alice, id, new SipAccountInput { Username = "alice", Password = "second-password" });
        await accounts.CreateAsync(alice, new SipAccountInput { Username = "alice2", Password = "third-password" });
        var saved = await host.Get<DialplanService>().SetAsync(alice, "default", "when /^2$/ then sys.Dial(\"two@local\")");
        await host.Get<ProviderService>().CreateAsync(alice, new ProviderInput { Name = "carrier", Server = "sip.carrier.example" });

        Assert.NotEqual(before, (await directory.FindAsync("alice"))!.Ha1Md5);
        Assert.NotNull(await directory.FindAsync("alice2"));
        Assert.Equal(saved.Version, (await ((IDialplanSource)directory).GetAsync(alice.UserId, "default"))!.Version);
        Assert.Contains("carrier", await ((IProviderDirectory)directory).ListNamesAsync(alice.UserId));

        await accounts.DeleteAsync(alice, id);
        Assert.Null(await directory.FindAsync("alice"));
    }

    [Fact]
    public async Task ProviderByContactToken_FromMemory_WithItsIncomingDialplan_AndGoneOnceDeleted()
    {
        var providers = host.Get<ProviderService>();
        var created = await providers.CreateAsync(alice, new ProviderInput
        {
            Name = "trunk", Server = "sip.carrier.example", AuthUsername = "acct1", Password = "pr0vider-secret", Register = true, InDialplanName = "default",
        });
        await directory.LoadAsync(CancellationToken.None);
        await ExecuteSqlAsync("DELETE FROM \"SipProviders\";");

        var found = await ((IProviderDirectory)directory).FindByContactTokenAsync(created.ContactToken!);

        Assert.Equal(("trunk", alice.UserId, "alice", "default", true), (found!.Name, found.OwnerId, found.OwnerUserName, found.InDialplanName, found.Register));
        Assert.Null(await ((IProviderDirectory)directory).FindByContactTokenAsync("p-0000000000000000"));
        await directory.LoadAsync(CancellationToken.None);
        Assert.Null(await ((IProviderDirectory)directory).FindByContactTokenAsync(created.ContactToken!));
    }

    [Fact]
    public async Task ASuspendedOwner_IsSeenAtOnce()
    {
        var admin = await host.CreateUserAsync("root", admin: true);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdminService>().SuspendAsync(admin, alice.UserId, "unpaid");
        }

        Assert.False((await directory.FindAsync("alice"))!.MayUseService);
    }

    [Fact]
    public async Task AfterTheBackgroundReload_LookupsComeFromMemoryAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stop = new CancellationTokenSource();
        var running = directory.RunAsync(TimeSpan.FromMinutes(1), time, stop.Token);

        await host.Get<DialplanService>().SetAsync(alice, "default", "when /^3$/ then sys.Dial(\"three@local\")");
        await WaitUntilAsync(() => directory.StaleOwnerCount == 0);
        await ExecuteSqlAsync("DELETE FROM \"Dialplans\";");

        Assert.Contains("three", (await ((IDialplanSource)directory).GetAsync(alice.UserId, "default"))!.Source);
        await stop.CancelAsync();
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task ChangedByAnotherProcess_SeenAtTheNextRefresh()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stop = new CancellationTokenSource();
        var running = directory.RunAsync(TimeSpan.FromMinutes(1), time, stop.Token);

        // What an admin command in another process does: a write this process's directory never hears of.
        await ExecuteSqlAsync("UPDATE \"Dialplans\" SET \"Source\" = 'else sys.Respond(404, \"gone\")', \"Version\" = \"Version\" + 1;");
        Assert.Equal(1, (await ((IDialplanSource)directory).GetAsync(alice.UserId, "default"))!.Version);

        time.Advance(TimeSpan.FromMinutes(1));
        await WaitUntilAsync(async () => (await ((IDialplanSource)directory).GetAsync(alice.UserId, "default"))!.Version == 2);
        await stop.CancelAsync();
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    private async Task ExecuteSqlAsync(string sql)
    {
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => ValueTask.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<ValueTask<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

public sealed class PortalDbContextTests : IAsyncLifetime
{
    private PortalTestHost host = null!;

    public async Task InitializeAsync() => host = await PortalTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private PortalDbContext NewContext() => host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    [Fact]
    public async Task Model_ComparedWithMigrations_HasNoPendingChanges()
    {
        // Fails when an entity or configuration changed without `dotnet ef migrations add`.
        await using var db = NewContext();
        var command = TestDatabase.IsPostgres
            ? "dotnet ef migrations add <Name> --project Portal.Data.Postgres --startup-project Portal.Data.Postgres"
            : "dotnet ef migrations add <Name> --project Portal.Data --startup-project Portal";
        Assert.False(db.Database.HasPendingModelChanges(), $"The model has changes no migration covers: run {command} (README, Database)");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task SipAccount_DuplicateUsernameAcrossOwners_IsRefusedByTheDatabase()
    {
        var alice = await host.CreateUserAsync("alice");
        var bob = await host.CreateUserAsync("bob");
        await using var db = NewContext();
        db.SipAccounts.Add(NewAccount(alice.UserId, "phone1"));
        await db.SaveChangesAsync();

        await using var db2 = NewContext();
        db2.SipAccounts.Add(NewAccount(bob.UserId, "phone1"));
        await Assert.ThrowsAsync<DbUpdateException>(() => db2.SaveChangesAsync());
    }

    [Fact]
    public async Task Dialplan_SameNameForTwoOwners_IsAllowedButNotTwiceForOne()
    {
        var alice = await host.CreateUserAsync("alice");
        var bob = await host.CreateUserAsync("bob");
        await using (var db = NewContext())
        {
            db.Dialplans.Add(NewDialplan(alice.UserId, "transfer"));
            db.Dialplans.Add(NewDialplan(bob.UserId, "transfer"));
            await db.SaveChangesAsync();
        }

        await using var db2 = NewContext();
        db2.Dialplans.Add(NewDialplan(alice.UserId, "transfer"));
        await Assert.ThrowsAsync<DbUpdateException>(() => db2.SaveChangesAsync());
    }

    [Fact]
    public async Task SipAccount_Deleted_RemovesItsBindings()
    {
        var alice = await host.CreateUserAsync("alice");
        await using (var db = NewContext())
        {
            var account = NewAccount(alice.UserId, "phone1");
            account.Bindings.Add(new SipBinding { ContactUri = "sip:phone1@127.0.0.1:5062", ReceivedFrom = "udp:127.0.0.1:5062", CallId = "c1", CSeq = 1, ExpiresAt = DateTime.UtcNow.AddHours(1) });
            db.SipAccounts.Add(account);
            await db.SaveChangesAsync();
        }

        await using (var db = NewContext())
        {
            db.SipAccounts.Remove(await db.SipAccounts.SingleAsync());
            await db.SaveChangesAsync();
        }

        await using var check = NewContext();
        Assert.Equal(0, await check.SipBindings.CountAsync());
    }

    [Fact]
    public async Task Lookups_OnTheSipHotPath_AreIndexed()
    {
        await using var db = NewContext();
        var model = db.Model;
        Assert.Contains(model.FindEntityType(typeof(SipAccount))!.GetIndexes(),
            i => i.IsUnique && i.Properties.Single().Name == nameof(SipAccount.Username));
        Assert.Contains(model.FindEntityType(typeof(Dialplan))!.GetIndexes(),
            i => i.IsUnique && i.Properties.Select(p => p.Name).SequenceEqual([nameof(Dialplan.OwnerId), nameof(Dialplan.Name)]));
        Assert.Contains(model.FindEntityType(typeof(CallManagerKey))!.GetIndexes(),
            i => i.IsUnique && i.Properties.Single().Name == nameof(CallManagerKey.Prefix));
    }

    private static SipAccount NewAccount(string ownerId, string username) => new()
    {
        OwnerId = ownerId, Username = username, Realm = "r", Ha1Md5 = new string('0', 32), Ha1Sha256 = new string('0', 64),
    };

    private static Dialplan NewDialplan(string ownerId, string name) => new() { OwnerId = ownerId, Name = name, Source = "else sys.Respond(404, \"x\")" };
}

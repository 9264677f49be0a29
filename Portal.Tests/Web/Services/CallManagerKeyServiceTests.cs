using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Services;

public sealed class CallManagerKeyServiceTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task CreateAsync_Key_IsStoredOnlyAsAHashAndAudited()
    {
        var created = await host.Get<CallManagerKeyService>().CreateAsync(alice, "tropo");

        Assert.StartsWith($"pk_{created.Prefix}_", created.Key);
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var stored = await db.CallManagerKeys.SingleAsync();
        Assert.NotEqual(created.Key, stored.SecretHash);
        Assert.Equal(CallManagerKeyService.Hash(created.Key), stored.SecretHash);
        Assert.Contains(await db.AuditEntries.ToListAsync(), a => a.Action == "key.create" && a.Actor == "alice");
    }

    [Fact]
    public async Task RevokeAsync_AnotherUsersKey_IsNotFound()
    {
        var created = await host.Get<CallManagerKeyService>().CreateAsync(alice, "tropo");
        var mallory = await host.CreateUserAsync("mallory");
        await Assert.ThrowsAsync<PortalNotFoundException>(() => host.Get<CallManagerKeyService>().RevokeAsync(mallory, created.Id));
        Assert.Null((await host.Get<CallManagerKeyService>().ListAsync(alice)).Single().RevokedAt);
    }
}

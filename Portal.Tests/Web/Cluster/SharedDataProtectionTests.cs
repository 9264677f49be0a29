using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Cluster;

/// <summary>Two nodes with one Redis share the Data Protection key ring (DESIGN §11), not a folder.</summary>
public sealed class SharedDataProtectionTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-cluster-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private Task<PortalTestHost> NodeAsync(string nodeId) => PortalTestHost.StartAsync(new Dictionary<string, string?>
    {
        ["Cluster:NodeId"] = nodeId,
        ["Cluster:Redis"] = RedisFactAttribute.Server,
        // Each node its own key folder: only Redis can make them agree.
        ["Portal:DataProtectionKeysPath"] = Path.Combine(folder, nodeId),
    });

    [RedisFact]
    public async Task ProviderPassword_SavedOnOneNode_IsReadableOnAnother()
    {
        await using var first = await NodeAsync("node-a");
        await using var second = await NodeAsync("node-b");
        var alice = await first.CreateUserAsync("alice");
        await first.Get<ProviderService>().CreateAsync(alice, new ProviderInput
        {
            Name = "trunk", Server = "sip.example.net", AuthUsername = "acct1", Password = "pr0vider-secret",
        });
        await using var db = await first.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var stored = (await db.SipProviders.SingleAsync()).PasswordProtected;

        // What node B's SIP service does when it dials through the provider node A saved.
        Assert.Equal("pr0vider-secret", second.Get<ProviderService>().UnprotectPassword(stored));
        Assert.False(Directory.Exists(Path.Combine(folder, "node-a")) && Directory.EnumerateFiles(Path.Combine(folder, "node-a")).Any());
    }
}

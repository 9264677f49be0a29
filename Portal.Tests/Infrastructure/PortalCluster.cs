using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Records;
using Portal.SipIntegration;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Portal nodes as DESIGN §11 runs them: one PostgreSQL database (a new one), one Redis server, a
/// <c>Cluster:NodeId</c> each (<c>node-0</c>, <c>node-1</c>, …) and a fixed SIP port each, so a node stopped and
/// started again is the same node at the same address for the dispatcher in front.
/// </summary>
public sealed class PortalCluster : IAsyncDisposable
{
    private readonly TestDatabase database;
    private readonly PortalWebFactory?[] nodes;

    private PortalCluster(TestDatabase database, int count)
    {
        this.database = database;
        nodes = new PortalWebFactory?[count];
        SipPorts = [.. Enumerable.Range(0, count).Select(_ => PeerProcess.FreePort())];
        HttpAddresses = new Uri[count];
    }

    /// <summary>Each node's SIP port on 127.0.0.1 (UDP and TCP).</summary>
    public IReadOnlyList<int> SipPorts { get; }

    /// <summary>Each node's HTTP base address (the call manager API), set when it starts.</summary>
    public Uri[] HttpAddresses { get; }

    /// <summary>A node that runs (throws for a stopped one).</summary>
    public PortalWebFactory this[int index] => nodes[index] ?? throw new InvalidOperationException($"node-{index} is stopped");

    /// <summary>Creates the database and starts the first node only, so the test can set up users before the others read them.</summary>
    public static PortalCluster Start(int count)
    {
        var cluster = new PortalCluster(TestDatabase.CreatePostgres(), count);
        try
        {
            cluster.StartNode(0);
            return cluster;
        }
        catch
        {
            // A node that fails to start still gives the database back.
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Starts node <paramref name="index"/> (again): same NodeId, same SIP port, same database.</summary>
    public void StartNode(int index)
    {
        var port = SipPorts[index].ToString(CultureInfo.InvariantCulture);
        var node = new PortalWebFactory()
            .With("Database:Provider", nameof(DatabaseProvider.Postgres))
            .With("ConnectionStrings:Portal", database.ConnectionString)
            .With("Cluster:NodeId", NodeId(index))
            .With("Cluster:Redis", RedisFactAttribute.Server!)
            .With("Sip:Listen", $"udp:127.0.0.1:{port},tcp:127.0.0.1:{port}")
            // Behind the dispatcher every request comes from its one address (README "Several machines").
            .With("Sip:Limits:FloodExemptNetworks", "127.0.0.1/32");
        nodes[index] = node;
        HttpAddresses[index] = node.StartKestrel();
    }

    /// <summary>Stops node <paramref name="index"/> the way a service stop does (its calls are hung up and recorded).</summary>
    public async Task StopNodeAsync(int index)
    {
        if (nodes[index] is { } node)
        {
            nodes[index] = null;
            await node.DisposeAsync();
        }
    }

    public static string NodeId(int index) => $"node-{index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The calls in progress on node <paramref name="index"/> (none when it is stopped).</summary>
    public IReadOnlyList<CallSnapshot> CallsOn(int index, string ownerId) =>
        nodes[index]?.Services.GetRequiredService<SipHostedService>().Calls.GetCalls(ownerId) ?? [];

    /// <summary>The call records in the shared database, oldest first.</summary>
    public async Task<List<CallRecord>> RecordsAsync()
    {
        var running = nodes.First(n => n is not null)!;
        await using var db = await running.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.CallRecords.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
    }

    /// <summary>The registrations in the shared database.</summary>
    public async Task<List<SipBinding>> BindingsAsync()
    {
        var running = nodes.First(n => n is not null)!;
        await using var db = await running.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.SipBindings.AsNoTracking().ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < nodes.Length; i++)
        {
            await StopNodeAsync(i);
        }

        await database.DisposeAsync();
    }
}

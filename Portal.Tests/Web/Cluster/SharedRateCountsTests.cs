using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Api;
using Portal.Cluster;
using Portal.Tests.Infrastructure;
using StackExchange.Redis;

namespace Portal.Tests.Web.Cluster;

/// <summary>
/// The call manager API's per-minute limits added up across two nodes on one Redis (DESIGN §11): a client that
/// spreads its requests over the nodes meets the limit of the service, not of each node.
/// </summary>
public sealed class SharedRateCountsTests : IAsyncLifetime
{
    // Clock-aligned minute windows: the test runs well inside one.
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 10, TimeSpan.Zero));
    private readonly string user = $"user-{Guid.NewGuid():N}";
    private ConnectionMultiplexer redisA = null!;
    private ConnectionMultiplexer redisB = null!;

    public async Task InitializeAsync()
    {
        if (RedisFactAttribute.Server is { } server)
        {
            redisA = await ConnectionMultiplexer.ConnectAsync(server);
            redisB = await ConnectionMultiplexer.ConnectAsync(server);
        }
    }

    public async Task DisposeAsync()
    {
        if (redisA is not null)
        {
            await redisA.DisposeAsync();
            await redisB.DisposeAsync();
        }
    }

    [RedisFact]
    public async Task TransferRequests_SpreadOverTwoNodes_MeetOneLimit()
    {
        var (countsA, a) = Node(redisA, "node-a");
        var (countsB, b) = Node(redisB, "node-b");

        for (var i = 0; i < 3; i++)
        {
            Assert.True(a.TryAcquireForUser(user, out _));
        }

        await countsA.FlushAsync();
        Assert.True(b.TryAcquireForUser(user, out _));
        Assert.True(b.TryAcquireForUser(user, out _));
        await countsB.FlushAsync();

        // Five of four spent between the nodes: B refuses, though it let only two through itself.
        Assert.False(b.TryAcquireForUser(user, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(50), retryAfter);
        // Another user's budget is untouched.
        Assert.True(b.TryAcquireForUser(user + "-other", out _));
    }

    [RedisFact]
    public async Task NextWindow_StartsAgainFromZero()
    {
        var (countsA, a) = Node(redisA, "node-a");
        var (countsB, b) = Node(redisB, "node-b");
        for (var i = 0; i < 5; i++)
        {
            a.TryAcquireForUser(user, out _);
            b.TryAcquireForUser(user, out _);
        }

        await countsA.FlushAsync();
        await countsB.FlushAsync();
        Assert.False(b.TryAcquireForUser(user, out _));

        time.Advance(TimeSpan.FromMinutes(1));

        // The nodes' total starts again (each node's own limiter runs on the real clock, so it is asked directly).
        Assert.False(countsB.IsOver("callmanager-user", user, TimeSpan.FromMinutes(1), out _));
    }

    private (SharedRateCounts Counts, CallManagerRateLimits Limits) Node(ConnectionMultiplexer redis, string nodeId)
    {
        var counts = new SharedRateCounts(Bus(redis, nodeId), time, NullLogger<SharedRateCounts>.Instance);
        return (counts, new CallManagerRateLimits(Options.Create(new CallManagerRateLimitOptions { PerUserPerMinute = 4 }), counts));
    }

    private static ClusterBus Bus(ConnectionMultiplexer redis, string nodeId) =>
        new(redis, Options.Create(new ClusterOptions { NodeId = nodeId, Redis = RedisFactAttribute.Server }), NullLogger<ClusterBus>.Instance);
}

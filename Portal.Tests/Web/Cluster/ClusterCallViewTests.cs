using Bunit;
using Portal.Cluster;
using Portal.Components.Pages.Calls;
using Portal.Services;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Records;
using Portal.Tests.Infrastructure;
using StackExchange.Redis;

namespace Portal.Tests.Web.Cluster;

/// <summary>
/// The Calls page on a node of several (DESIGN §11): another node's calls, those in progress when this node joined and
/// those that start later, show with that node's name, and go when that node's heartbeat stops.
/// </summary>
public sealed class ClusterCallViewTests : IAsyncLifetime
{
    private readonly string here = $"node-b-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly string other = $"node-z-{Guid.NewGuid().ToString("N")[..8]}";
    private PortalTestHost host = null!;
    private ConnectionMultiplexer? redis;

    public async Task InitializeAsync()
    {
        if (RedisFactAttribute.Server is { } server)
        {
            redis = await ConnectionMultiplexer.ConnectAsync(server);
        }

        // No SIP service runs in this host: every call on the page is the other node's.
        host = await PortalTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Cluster:NodeId"] = here,
            ["Cluster:Redis"] = RedisFactAttribute.Server ?? "127.0.0.1:1",
        });
    }

    public async Task DisposeAsync()
    {
        if (redis is not null)
        {
            await host.Get<ClusterCallView>().StopAsync(CancellationToken.None);
            await redis.GetDatabase().KeyDeleteAsync([ClusterKeys.Node(other), ClusterKeys.Calls(other)]);
            await redis.GetDatabase().SetRemoveAsync(ClusterKeys.Nodes, other);
            await redis.DisposeAsync();
        }

        await host.DisposeAsync();
    }

    [RedisFact]
    public async Task AnotherNodesCalls_ShowWithItsName_AndGoWhenItsHeartbeatStops()
    {
        var alice = await host.CreateUserAsync("alice");
        var db = redis!.GetDatabase();
        // The other node was running before this one joined, with a call in progress.
        await db.StringSetAsync(ClusterKeys.Node(other), "alive", TimeSpan.FromMinutes(1));
        await db.SetAddAsync(ClusterKeys.Nodes, other);
        await db.HashSetAsync(ClusterKeys.Calls(other), "call-1", ClusterJson.Write(Call("call-1", 1, alice.UserId)));
        var view = host.Get<ClusterCallView>();
        await view.StartAsync(CancellationToken.None);
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        view.Changed += e => later.TrySetResult();

        // Then a second call starts there.
        await redis.GetSubscriber().PublishAsync(ClusterKeys.CallEvents,
            ClusterJson.Write(new ClusterCallEvent(other, new CallEvent(CallEventKind.Answered, Call("call-2", 2, alice.UserId)))));
        await later.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await using var ctx = new PortalComponentContext(host);
        ctx.SignIn(alice);
        var cut = ctx.RenderWithProviders<LiveCalls>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".live-call").Count));
        Assert.Equal([$"node {other}", $"node {other}"], cut.FindAll(".call-node").Select(node => node.TextContent.Trim()));
        // Its SIP ladder is kept on the other node.
        Assert.Empty(cut.FindAll(".ladder"));

        await db.KeyDeleteAsync(ClusterKeys.Node(other));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#no-calls")), TimeSpan.FromSeconds(20));
    }

    private static CallSnapshot Call(string id, long number, string ownerId)
    {
        var now = DateTimeOffset.UtcNow;
        return new CallSnapshot(id, number, ownerId, "alice", CallDirection.Outbound, "alice", "default", "sip:alice@sip.example.test",
            "sip:232@sip.example.test", CallState.Answered, now, now, null,
            [
                new CallLegSnapshot(CallLegRole.Caller, $"{id}-caller", "alice", "232", "sip:232@sip.example.test", CallLegState.Answered, now, now, null, null),
                new CallLegSnapshot(CallLegRole.Callee, $"{id}-app", $"xfer-{number}", "app", "sip:app@192.0.2.20", CallLegState.Answered, now, now, null, null),
            ]);
    }
}

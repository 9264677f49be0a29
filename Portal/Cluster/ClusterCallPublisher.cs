using Microsoft.Extensions.Options;
using Portal.Sip.Calls.Records;
using Portal.SipIntegration;
using StackExchange.Redis;

namespace Portal.Cluster;

/// <summary>
/// This node's calls, told to the other nodes through Redis (DESIGN §11): a heartbeat while the node runs; for each
/// call in progress, which node owns it by call id and by each leg's Call-ID, From user (the <c>[fu=]</c> token) and
/// To user, and its snapshot for nodes that join later; each transfer's node; and every call event on
/// <see cref="ClusterKeys.CallEvents"/>. The keys expire unless refreshed, so a node that dies leaves nothing
/// lasting; a call's keys go when it ends. Writes are fire-and-forget, in order on the one connection, off the SIP
/// receive path.
/// </summary>
public sealed partial class ClusterCallPublisher(
    IConnectionMultiplexer redis,
    IOptions<ClusterOptions> options,
    SipHostedService sip,
    TimeProvider time,
    ILogger<ClusterCallPublisher> logger) : IHostedService
{
    private readonly string node = options.Value.NodeId;
    private readonly Lock gate = new();

    // Per call in progress: the owner keys written for it; per leg key: how many of this node's calls use it.
    private readonly Dictionary<string, HashSet<RedisKey>> calls = new(StringComparer.Ordinal);
    private readonly Dictionary<RedisKey, int> legUsers = [];
    private IDisposable? subscription;
    private CancellationTokenSource? stopping;
    private Task? beating;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A node that crashed left its calls' snapshots: they ended with it, and nodes that join must not list them.
            await redis.GetDatabase().KeyDeleteAsync(ClusterKeys.Calls(node));
        }
        catch (RedisException e)
        {
            LogRedisFailed(logger, e, "starting");
        }

        await BeatAsync();
        subscription = sip.RunningCalls?.Subscribe(Publish);
        stopping = new CancellationTokenSource();
        beating = BeatUntilStoppedAsync(stopping.Token);
    }

    /// <summary>
    /// Leaves first (this runs before the SIP service stops and hangs up its calls): the heartbeat goes at once, so
    /// requests for this node's calls get "the node is gone" rather than waiting for an answer.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        if (Interlocked.Exchange(ref stopping, null) is { } cancellation)
        {
            await cancellation.CancelAsync();
            await beating!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellation.Dispose();
        }

        try
        {
            var db = redis.GetDatabase();
            await Task.WhenAll(db.KeyDeleteAsync(ClusterKeys.Node(node)), db.KeyDeleteAsync(ClusterKeys.Calls(node)))
                .WaitAsync(ClusterKeys.HeartbeatInterval, time, cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRedisFailed(logger, e, "leaving");
        }
    }

    private void Publish(CallEvent change)
    {
        try
        {
            var call = change.Call with { Node = node };
            var db = redis.GetDatabase();
            // A late event of a call that has ended (a transfer's outcome) must not bring its keys back.
            if (change.Kind == CallEventKind.Ended || call.EndedAt is not null)
            {
                Forget(db, call);
            }
            else
            {
                Own(db, call);
            }

            if (call.Transfer is { } transfer)
            {
                db.StringSet(ClusterKeys.Transfer(transfer.Id), node, ClusterKeys.TransferTtl, flags: CommandFlags.FireAndForget);
            }

            // After the ownership keys, on the same connection: a node that sees the event finds the call's owner.
            redis.GetSubscriber().Publish(ClusterKeys.CallEvents, ClusterJson.Write(new ClusterCallEvent(node, change with { Call = call })),
                CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            LogRedisFailed(logger, e, "publishing a call event");
        }
    }

    private void Own(IDatabase db, CallSnapshot call)
    {
        List<RedisKey> added = [];
        bool first;
        lock (gate)
        {
            first = !calls.TryGetValue(call.Id, out var keys);
            if (first)
            {
                keys = [];
                calls[call.Id] = keys;
            }

            foreach (var key in LegKeys(call))
            {
                if (keys!.Add(key))
                {
                    legUsers[key] = legUsers.GetValueOrDefault(key) + 1;
                    added.Add(key);
                }
            }
        }

        if (first)
        {
            db.StringSet(ClusterKeys.Call(call.Id), node, ClusterKeys.CallTtl, flags: CommandFlags.FireAndForget);
        }

        foreach (var key in added)
        {
            db.SetAdd(key, node, CommandFlags.FireAndForget);
            db.KeyExpire(key, ClusterKeys.CallTtl, CommandFlags.FireAndForget);
        }

        db.HashSet(ClusterKeys.Calls(node), call.Id, ClusterJson.Write(call), flags: CommandFlags.FireAndForget);
        if (first)
        {
            db.KeyExpire(ClusterKeys.Calls(node), ClusterKeys.CallTtl, CommandFlags.FireAndForget);
        }
    }

    private void Forget(IDatabase db, CallSnapshot call)
    {
        List<RedisKey> unused = [];
        lock (gate)
        {
            if (calls.Remove(call.Id, out var keys))
            {
                foreach (var key in keys)
                {
                    var users = legUsers.GetValueOrDefault(key) - 1;
                    if (users <= 0)
                    {
                        legUsers.Remove(key);
                        unused.Add(key);
                    }
                    else
                    {
                        legUsers[key] = users;
                    }
                }
            }
        }

        db.KeyDelete(ClusterKeys.Call(call.Id), CommandFlags.FireAndForget);
        db.HashDelete(ClusterKeys.Calls(node), call.Id, CommandFlags.FireAndForget);
        foreach (var key in unused)
        {
            db.SetRemove(key, node, CommandFlags.FireAndForget);
        }
    }

    /// <summary>What <c>blindtransfer?callid=</c> may name: each leg's Call-ID, From user and To user (CallManager.BlindTransferAsync).</summary>
    private static IEnumerable<RedisKey> LegKeys(CallSnapshot call) =>
        call.Legs.SelectMany(leg => new[] { leg.CallId, leg.FromUser, leg.ToUser })
            .Where(identifier => !string.IsNullOrEmpty(identifier))
            .Select(identifier => ClusterKeys.Leg(call.OwnerId, identifier!));

    private async Task BeatUntilStoppedAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ClusterKeys.HeartbeatInterval, time);
        var beats = 0L;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await BeatAsync();
            if (++beats % (long)(ClusterKeys.CallRefreshInterval / ClusterKeys.HeartbeatInterval) == 0)
            {
                Refresh();
            }
        }
    }

    private async Task BeatAsync()
    {
        try
        {
            var db = redis.GetDatabase();
            await db.StringSetAsync(ClusterKeys.Node(node), time.GetUtcNow().ToString("O"), ClusterKeys.HeartbeatTtl);
            await db.SetAddAsync(ClusterKeys.Nodes, node);
        }
        catch (RedisException e)
        {
            LogRedisFailed(logger, e, "the heartbeat");
        }
    }

    /// <summary>Keeps the keys of the calls still in progress from expiring.</summary>
    private void Refresh()
    {
        List<RedisKey> keys;
        lock (gate)
        {
            keys = [.. calls.Keys.Select(ClusterKeys.Call), .. legUsers.Keys];
        }

        try
        {
            var db = redis.GetDatabase();
            keys.Add(ClusterKeys.Calls(node));
            foreach (var key in keys)
            {
                db.KeyExpire(key, ClusterKeys.CallTtl, CommandFlags.FireAndForget);
            }
        }
        catch (RedisException e)
        {
            LogRedisFailed(logger, e, "refreshing call ownership");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis failed while {Doing}; the other nodes may not see this node's calls until it is back")]
    private static partial void LogRedisFailed(ILogger logger, Exception exception, string doing);
}

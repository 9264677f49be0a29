using Microsoft.Extensions.Options;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Records;
using StackExchange.Redis;

namespace Portal.Cluster;

/// <summary>
/// The other nodes' calls in progress, for the live views (DESIGN §11): read from their snapshot hashes when this
/// node starts (so it sees calls that began before it joined), then kept current from
/// <see cref="ClusterKeys.CallEvents"/>. A node whose heartbeat stops has its calls dropped, each with an Ended event.
/// </summary>
public sealed partial class ClusterCallView(
    IConnectionMultiplexer redis,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<ClusterCallView> logger) : IHostedService
{
    public const string NodeGone = "the node that held the call stopped";

    private readonly string node = options.Value.NodeId;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Dictionary<string, CallSnapshot>> byNode = new(StringComparer.Ordinal);

    // Calls that ended while the snapshots were being read: a snapshot read after the event must not bring one back.
    private HashSet<string>? endedWhileLoading = new(StringComparer.Ordinal);
    private CancellationTokenSource? stopping;
    private Task? watching;

    /// <summary>Another node's call changed; return quickly.</summary>
    public event Action<CallEvent>? Changed;

    /// <summary>The other nodes' calls in progress, all of them or one owner's.</summary>
    public IReadOnlyList<CallSnapshot> GetCalls(string? ownerId)
    {
        lock (gate)
        {
            return [.. byNode.Values.SelectMany(calls => calls.Values).Where(c => ownerId is null || c.OwnerId == ownerId)];
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(ClusterKeys.CallEvents, (_, message) => OnMessage(message));
            await LoadAsync();
        }
        catch (RedisException e)
        {
            LogRedisFailed(logger, e);
        }
        finally
        {
            lock (gate)
            {
                endedWhileLoading = null;
            }
        }

        stopping = new CancellationTokenSource();
        watching = WatchNodesAsync(stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref stopping, null) is { } cancellation)
        {
            await cancellation.CancelAsync();
            await watching!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellation.Dispose();
        }

        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(ClusterKeys.CallEvents);
        }
        catch (RedisException e)
        {
            LogRedisFailed(logger, e);
        }
    }

    private async Task LoadAsync()
    {
        var db = redis.GetDatabase();
        foreach (var member in await db.SetMembersAsync(ClusterKeys.Nodes))
        {
            var other = member.ToString();
            if (other == node)
            {
                continue;
            }

            if (!await db.KeyExistsAsync(ClusterKeys.Node(other)))
            {
                // Gone: a node that comes back adds itself again with its next heartbeat.
                await db.SetRemoveAsync(ClusterKeys.Nodes, other);
                continue;
            }

            foreach (var entry in await db.HashGetAllAsync(ClusterKeys.Calls(other)))
            {
                if (ClusterJson.Read<CallSnapshot>(entry.Value.ToString()) is { } call)
                {
                    lock (gate)
                    {
                        if (endedWhileLoading?.Contains(call.Id) != true)
                        {
                            CallsOf(other).TryAdd(call.Id, call with { Node = other });
                        }
                    }
                }
            }
        }
    }

    private void OnMessage(RedisValue message)
    {
        if (ClusterJson.Read<ClusterCallEvent>(message.ToString()) is not { } published || published.Node == node)
        {
            return;
        }

        var change = published.Event with { Call = published.Event.Call with { Node = published.Node } };
        lock (gate)
        {
            if (change.Kind == CallEventKind.Ended || change.Call.EndedAt is not null)
            {
                endedWhileLoading?.Add(change.Call.Id);
                CallsOf(published.Node).Remove(change.Call.Id);
            }
            else
            {
                CallsOf(published.Node)[change.Call.Id] = change.Call;
            }
        }

        Raise(change);
    }

    /// <summary>Drops the calls of nodes whose heartbeat has stopped: they ended with their node.</summary>
    private async Task WatchNodesAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ClusterKeys.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            string[] nodes;
            lock (gate)
            {
                nodes = [.. byNode.Where(n => n.Value.Count > 0).Select(n => n.Key)];
            }

            foreach (var other in nodes)
            {
                try
                {
                    if (await redis.GetDatabase().KeyExistsAsync(ClusterKeys.Node(other)))
                    {
                        continue;
                    }
                }
                catch (RedisException e)
                {
                    LogRedisFailed(logger, e);
                    break;
                }

                List<CallSnapshot> gone;
                lock (gate)
                {
                    gone = [.. CallsOf(other).Values];
                    byNode.Remove(other);
                }

                LogNodeGone(logger, other, gone.Count);
                foreach (var call in gone)
                {
                    Raise(new CallEvent(CallEventKind.Ended, call with { State = CallState.Ended, EndedAt = time.GetUtcNow() }, NodeGone));
                }
            }
        }
    }

    private Dictionary<string, CallSnapshot> CallsOf(string other)
    {
        if (!byNode.TryGetValue(other, out var calls))
        {
            calls = new Dictionary<string, CallSnapshot>(StringComparer.Ordinal);
            byNode[other] = calls;
        }

        return calls;
    }

    private void Raise(CallEvent change)
    {
        if (Changed is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<CallEvent>>())
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                LogHandlerFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis failed while following the other nodes' calls")]
    private static partial void LogRedisFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} has no heartbeat: its {Count} call(s) are dropped from the live views")]
    private static partial void LogNodeGone(ILogger logger, string node, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A live view's handler of another node's call event failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Portal.Sip.Limits;
using StackExchange.Redis;

namespace Portal.Cluster;

/// <summary>
/// Rate-limit windows added up across nodes (DESIGN §11) for limits counted per minute, such as the call manager
/// API's. Each node keeps deciding with its own limiter; every request it lets through is also counted in Redis
/// (an INCR of a key per limit, partition and clock-aligned window, off the request), and once the total of all
/// nodes is past the limit the node refuses that partition for the rest of the window. A node learns it from its
/// own next count, so a client spread over N nodes gets at most N requests more than the limit.
/// </summary>
public sealed partial class SharedRateCounts(ClusterBus bus, TimeProvider time, ILogger<SharedRateCounts> logger)
{
    private const string Keys = ClusterBus.Prefix + "rate:";

    private readonly BoundedTable<string, long> over = new(10_000, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> pending = new();

    /// <summary>Whether the nodes together are past the limit for <paramref name="partition"/> in this window, and for how long yet.</summary>
    public bool IsOver(string limit, string partition, TimeSpan window, out TimeSpan retryAfter)
    {
        var (number, left) = Window(window);
        retryAfter = left;
        return over.TryGetValue($"{limit}\n{partition}", out var overIn) && overIn == number;
    }

    /// <summary>Adds a request this node let through to the count of every node; does not wait.</summary>
    public void Count(string limit, string partition, int permits, TimeSpan window)
    {
        var task = CountAsync(limit, partition, permits, window);
        pending.TryAdd(task, 0);
        _ = task.ContinueWith(done => pending.TryRemove(done, out _), TaskScheduler.Default);
    }

    /// <summary>Completes once every count sent so far is answered.</summary>
    public Task FlushAsync() => Task.WhenAll(pending.Keys);

    private async Task CountAsync(string limit, string partition, int permits, TimeSpan window)
    {
        try
        {
            await Task.Yield();
            var (number, _) = Window(window);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition)))[..32];
            RedisKey key = $"{Keys}{limit}:{hash}:{number}";
            var database = bus.Redis.GetDatabase();
            var count = await database.StringIncrementAsync(key);
            if (count == 1)
            {
                await database.KeyExpireAsync(key, window * 2);
            }

            if (count > permits)
            {
                over.AddOrUpdate($"{limit}\n{partition}", number, static (_, _, n) => n);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogCountFailed(logger, ex, limit);
        }
    }

    /// <summary>The clock-aligned window now (the same on every node) and what is left of it.</summary>
    private (long Number, TimeSpan Left) Window(TimeSpan window)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var length = (long)window.TotalMilliseconds;
        return (now / length, TimeSpan.FromMilliseconds(length - now % length));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting a {Limit} request with the other nodes failed; this node's own limit still holds")]
    private static partial void LogCountFailed(ILogger logger, Exception exception, string limit);
}

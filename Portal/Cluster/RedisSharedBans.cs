using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Sip.Limits;
using StackExchange.Redis;

namespace Portal.Cluster;

/// <summary>
/// SIP bans and failure counts shared through Redis (DESIGN §11), off the receive path: a ban is published to the
/// other nodes and kept as a key that expires with it (so a node that starts later holds it too); a failure is an
/// INCR of a key that expires with its window, so failures on every node add up. Nothing here is awaited by a
/// request: each node's own tables decide, and learn of the others' bans a moment later.
/// </summary>
public sealed partial class RedisSharedBans(ClusterBus bus, ILogger<RedisSharedBans> logger) : ISharedBans, IHostedService
{
    public const string Topic = "sip-bans";

    private const string BanKeys = ClusterBus.Prefix + "sip-ban:";
    private const string FailureKeys = ClusterBus.Prefix + "sip-failures:";

    // The first failure of a window starts the key's expiry; the count is what every node added.
    private static readonly LuaScript CountScript = LuaScript.Prepare(
        "local n = redis.call('INCR', @key) if n == 1 then redis.call('PEXPIRE', @key, @ms) end return n");

    private readonly Lock gate = new();
    private Action<SipBan>[] handlers = [];
    private IAsyncDisposable? subscription;

    /// <summary>Listens before the SIP service starts, so no ban announced after the start is missed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken) =>
        subscription = await bus.SubscribeAsync<Message>(Topic, message =>
        {
            if (message.ToBan() is { } ban)
            {
                foreach (var handler in Volatile.Read(ref handlers))
                {
                    handler(ban);
                }
            }
        });

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref subscription, null) is { } running)
        {
            await running.DisposeAsync();
        }
    }

    public void Announce(SipBan ban)
    {
        ArgumentNullException.ThrowIfNull(ban);
        var message = Message.From(ban);
        bus.Publish(Topic, message);
        _ = KeepAsync(message, ban.Duration);
    }

    public void CountFailure(string key, TimeSpan window, int limit, Action reached)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(reached);
        _ = CountAsync(FailureKeys + Hash(key), window, limit, reached);
    }

    public IDisposable Subscribe(Action<SipBan> banned)
    {
        ArgumentNullException.ThrowIfNull(banned);
        lock (gate)
        {
            handlers = [.. handlers, banned];
        }

        _ = LoadRunningAsync(banned);
        return new Subscription(this, banned);
    }

    private async Task KeepAsync(Message message, TimeSpan duration)
    {
        try
        {
            await Task.Yield();
            await bus.Redis.GetDatabase().StringSetAsync(BanKeys + Hash($"{message.Kind}:{message.Account ?? message.Address}"),
                JsonSerializer.SerializeToUtf8Bytes(message), duration);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogSharingFailed(logger, ex);
        }
    }

    private async Task CountAsync(string key, TimeSpan window, int limit, Action reached)
    {
        try
        {
            await Task.Yield();
            var count = (long)await bus.Redis.GetDatabase().ScriptEvaluateAsync(CountScript,
                new { key = (RedisKey)key, ms = (long)window.TotalMilliseconds });
            // Exactly the limit: only the node whose failure got there blocks, once.
            if (count == limit)
            {
                reached();
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogSharingFailed(logger, ex);
        }
    }

    /// <summary>The bans still running when this node starts, so an address banned a minute ago is not welcome here.</summary>
    private async Task LoadRunningAsync(Action<SipBan> banned)
    {
        try
        {
            await Task.Yield();
            var database = bus.Redis.GetDatabase();
            foreach (var server in bus.Redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            {
                await foreach (var key in server.KeysAsync(database.Database, BanKeys + "*"))
                {
                    var value = await database.StringGetWithExpiryAsync(key);
                    if (value.Value.HasValue && value.Expiry is { } left
                        && JsonSerializer.Deserialize<Message>((byte[])value.Value!) is { } message
                        && (message with { DurationMs = (long)left.TotalMilliseconds }).ToBan() is { } ban)
                    {
                        banned(ban);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException or JsonException)
        {
            LogSharingFailed(logger, ex);
        }
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];

    /// <summary>A ban on the wire; an address or kind this version cannot read makes no ban.</summary>
    private sealed record Message(string Kind, string Address, string? Username, string? Account, long DurationMs, string Reason)
    {
        public static Message From(SipBan ban) =>
            new(ban.Kind, ban.Address.ToString(), ban.Username, ban.Account, (long)ban.Duration.TotalMilliseconds, ban.Reason);

        public SipBan? ToBan() => IPAddress.TryParse(Address, out var address) && DurationMs > 0
            && Kind is SipBan.Flood or SipBan.AuthAddress or SipBan.AuthAccount
            ? new SipBan(Kind, address, Username, TimeSpan.FromMilliseconds(DurationMs), Reason) { Account = Account }
            : null;
    }

    private sealed class Subscription(RedisSharedBans owner, Action<SipBan> banned) : IDisposable
    {
        public void Dispose()
        {
            lock (owner.gate)
            {
                owner.handlers = [.. owner.handlers.Where(h => h != banned)];
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sharing a SIP ban or failure count with the other nodes failed; this node's own limits still hold")]
    private static partial void LogSharingFailed(ILogger logger, Exception exception);
}

using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Portal.Cluster;

/// <summary>
/// Messages between the nodes of one service over Redis pub/sub (DESIGN §11), each stamped with the node that sent it
/// so a node never hears its own. Delivery is at most once: a message sent while Redis is away is lost, so whatever a
/// message carries has a slower way to catch up too (the directory's periodic refresh, bindings read from the
/// database, a ban's own end).
/// </summary>
public sealed partial class ClusterBus(IConnectionMultiplexer redis, IOptions<ClusterOptions> options, ILogger<ClusterBus> logger)
{
    /// <summary>Prefix of every channel and key the nodes share.</summary>
    public const string Prefix = "portal:";

    public string NodeId => options.Value.NodeId;

    public IConnectionMultiplexer Redis => redis;

    /// <summary>Sends <paramref name="message"/> to the other nodes' subscribers of <paramref name="topic"/>; never throws, never waits.</summary>
    public void Publish<T>(string topic, T message)
    {
        try
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(new Envelope<T>(NodeId, message));
            redis.GetSubscriber().Publish(Channel(topic), payload, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogPublishFailed(logger, ex, topic);
        }
    }

    /// <summary>Calls <paramref name="handler"/> with each message another node publishes on <paramref name="topic"/>, until disposed.</summary>
    public async Task<IAsyncDisposable> SubscribeAsync<T>(string topic, Action<T> handler)
    {
        var channel = Channel(topic);
        var subscriber = redis.GetSubscriber();
        Action<RedisChannel, RedisValue> receive = (_, value) =>
        {
            try
            {
                var envelope = JsonSerializer.Deserialize<Envelope<T>>((byte[])value!);
                if (envelope is not null && envelope.Node != NodeId && envelope.Body is { } body)
                {
                    handler(body);
                }
            }
            catch (Exception ex)
            {
                // A message no handler can use (another version's, or a bad one) is dropped; the next one is read.
                LogReceiveFailed(logger, ex, topic);
            }
        };
        await subscriber.SubscribeAsync(channel, receive);
        return new Subscription(subscriber, channel, receive);
    }

    private static RedisChannel Channel(string topic) => RedisChannel.Literal(Prefix + topic);

    private sealed record Envelope<T>(string Node, T Body);

    private sealed class Subscription(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> receive) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await subscriber.UnsubscribeAsync(channel, receive);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                // Stopping while Redis is away: there is nothing left to unsubscribe from.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling the other nodes on {Topic} failed; they catch up later")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message from another node on {Topic} could not be read; dropped")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string topic);
}

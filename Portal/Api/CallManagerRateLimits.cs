using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.Cluster;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;

namespace Portal.Api;

/// <summary>
/// Fixed one-minute windows per source address and per user (DESIGN §7). The API charges the per-user window
/// itself, after the key is verified, so nobody can spend another user's quota by naming them. A phone's REFER
/// spends the same per-user budget (<see cref="ITransferRateLimit"/>, DESIGN §10). With several nodes
/// (<see cref="SharedRateCounts"/>, DESIGN §11) the windows are added up across them.
/// </summary>
public sealed class CallManagerRateLimits : ITransferRateLimit, IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string>? perAddress;
    private readonly PartitionedRateLimiter<string>? perUser;
    private readonly CallManagerRateLimitOptions limits;
    private readonly SharedRateCounts? shared;

    public CallManagerRateLimits(IOptions<CallManagerRateLimitOptions> options, SharedRateCounts? shared = null)
    {
        limits = options.Value;
        this.shared = shared;
        perAddress = Create(limits.PerAddressPerMinute);
        perUser = Create(limits.PerUserPerMinute);
    }

    /// <summary>Counts a request from <paramref name="address"/>; false, with when to retry, once over the limit.</summary>
    public bool TryAcquireForAddress(IPAddress? address, out TimeSpan retryAfter) =>
        TryAcquireShared(perAddress, "callmanager-address", Partition(address), limits.PerAddressPerMinute, out retryAfter);

    /// <summary>Counts a transfer request by <paramref name="userId"/>; false, with when to retry, once over the limit.</summary>
    public bool TryAcquireForUser(string userId, out TimeSpan retryAfter) =>
        TryAcquireShared(perUser, "callmanager-user", userId, limits.PerUserPerMinute, out retryAfter);

    bool ITransferRateLimit.TryAcquire(string ownerId, out TimeSpan retryAfter) => TryAcquireForUser(ownerId, out retryAfter);

    public void Dispose()
    {
        perAddress?.Dispose();
        perUser?.Dispose();
    }

    private static PartitionedRateLimiter<string>? Create(int permitsPerMinute) => permitsPerMinute <= 0
        ? null
        : PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetFixedWindowLimiter(partition,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = Window, QueueLimit = 0, AutoReplenishment = true }));

    /// <summary>This node's window decides at once; the nodes' total, when shared, refuses what this node alone would let through.</summary>
    private bool TryAcquireShared(PartitionedRateLimiter<string>? limiter, string limit, string partition, int permits, out TimeSpan retryAfter)
    {
        if (limiter is not null && shared is not null && shared.IsOver(limit, partition, Window, out retryAfter))
        {
            return false;
        }

        if (!TryAcquire(limiter, partition, out retryAfter))
        {
            return false;
        }

        if (limiter is not null)
        {
            shared?.Count(limit, partition, permits, Window);
        }

        return true;
    }

    private static bool TryAcquire(PartitionedRateLimiter<string>? limiter, string partition, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (limiter is null)
        {
            return true;
        }

        using var lease = limiter.AttemptAcquire(partition);
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Window;
        return false;
    }

    // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d; count it as a.b.c.d.
    private static string Partition(IPAddress? address) => address switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };
}

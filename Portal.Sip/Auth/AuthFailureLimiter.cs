using System.Collections.Concurrent;
using System.Net;

namespace Portal.Sip.Auth;

/// <summary>
/// Slows password guessing: a source address with too many failed digest attempts in a window is refused
/// outright until the window passes, whichever user name it tries.
/// </summary>
public sealed class AuthFailureLimiter(TimeProvider time, int maxFailures = 20, TimeSpan? window = null)
{
    private readonly TimeSpan window = window ?? TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<IPAddress, Bucket> buckets = new();

    public bool IsBlocked(IPAddress source) =>
        buckets.TryGetValue(source, out var bucket) && bucket.Start + window > time.GetUtcNow() && bucket.Failures >= maxFailures;

    public void RecordFailure(IPAddress source)
    {
        var now = time.GetUtcNow();
        buckets.AddOrUpdate(source, _ => new Bucket(now, 1),
            (_, bucket) => bucket.Start + window > now ? bucket with { Failures = bucket.Failures + 1 } : new Bucket(now, 1));
        if (buckets.Count > 10_000)
        {
            foreach (var (address, bucket) in buckets)
            {
                if (bucket.Start + window <= now)
                {
                    buckets.TryRemove(address, out _);
                }
            }
        }
    }

    private sealed record Bucket(DateTimeOffset Start, int Failures);
}

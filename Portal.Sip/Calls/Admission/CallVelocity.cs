using Microsoft.Extensions.Logging;

namespace Portal.Sip.Calls.Admission;

/// <summary>
/// The velocity limits of DESIGN §10 (a toll-fraud "daily call limit"): calls an owner's configuration starts in
/// the last hour (sixty one-minute buckets) and the last day (twenty-four one-hour buckets), per owner, in memory.
/// An owner's counts start from their call records the first time they are needed after a start, so a restart
/// does not reset them; owners without a call for a day are dropped, so the table holds only active owners.
/// </summary>
internal sealed class CallVelocity(TimeProvider time, ICallStartHistory? history, ILogger logger)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Counts> _owners = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>
    /// Counts a call of <paramref name="ownerId"/> that starts now, unless that would pass <paramref name="perHour"/>
    /// or <paramref name="perDay"/> (0 is unlimited): then the limit it would pass, and nothing is counted.
    /// </summary>
    public async ValueTask<CallVelocityLimit?> TryStartAsync(string ownerId, string ownerUserName, int perHour, int perDay)
    {
        Counts counts;
        lock (_gate)
        {
            Sweep(time.GetUtcNow());
            if (!_owners.TryGetValue(ownerId, out counts!))
            {
                counts = new Counts();
                counts.Seeded = SeedAsync(counts, ownerId, ownerUserName);
                _owners[ownerId] = counts;
            }
        }

        await counts.Seeded;
        DateTimeOffset now = time.GetUtcNow();
        lock (_gate)
        {
            int lastHour = counts.Hour.Count(now);
            if (perHour > 0 && lastHour >= perHour)
            {
                return new CallVelocityLimit(CallVelocityLimit.Hourly, perHour, lastHour);
            }

            int lastDay = counts.Day.Count(now);
            if (perDay > 0 && lastDay >= perDay)
            {
                return new CallVelocityLimit(CallVelocityLimit.Daily, perDay, lastDay);
            }

            counts.Hour.Add(now, now);
            counts.Day.Add(now, now);
            _owners[ownerId] = counts;
            return null;
        }
    }

    /// <summary>Takes back a call counted at <paramref name="at"/> that did not start after all (the concurrent-call cap refused it).</summary>
    public void Uncount(string ownerId, DateTimeOffset at)
    {
        DateTimeOffset now = time.GetUtcNow();
        lock (_gate)
        {
            if (_owners.TryGetValue(ownerId, out Counts? counts))
            {
                counts.Hour.Add(at, now, -1);
                counts.Day.Add(at, now, -1);
            }
        }
    }

    private async Task SeedAsync(Counts counts, string ownerId, string ownerUserName)
    {
        if (history is null)
        {
            return;
        }

        // Off the caller's path and the gate: this reads the database.
        await Task.Yield();
        try
        {
            DateTimeOffset now = time.GetUtcNow();
            IReadOnlyList<DateTimeOffset> starts = await history.ListDialplanCallStartsAsync(ownerId, now - Day, CancellationToken.None);
            lock (_gate)
            {
                foreach (DateTimeOffset start in starts)
                {
                    counts.Hour.Add(start, now);
                    counts.Day.Add(start, now);
                }
            }
        }
        catch (Exception e)
        {
            CallLog.VelocitySeedFailed(logger, e, ownerUserName);
        }
    }

    /// <summary>Once an hour, drops owners with no call in the last day. Under the gate.</summary>
    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + TimeSpan.FromHours(1);
        foreach (string idle in _owners.Where(o => o.Value.Seeded.IsCompleted && o.Value.Day.Count(now) == 0).Select(o => o.Key).ToList())
        {
            _owners.Remove(idle);
        }
    }

    private sealed class Counts
    {
        public SlidingCount Hour { get; } = new(60, TimeSpan.FromMinutes(1));

        public SlidingCount Day { get; } = new(24, TimeSpan.FromHours(1));

        public Task Seeded { get; set; } = Task.CompletedTask;
    }
}

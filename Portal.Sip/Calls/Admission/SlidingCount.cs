namespace Portal.Sip.Calls.Admission;

/// <summary>
/// Events counted over the last <c>buckets × width</c>, in buckets of <paramref name="width"/>: a sliding window
/// that moves one bucket at a time and never holds more than <paramref name="buckets"/> numbers. Not thread-safe.
/// </summary>
internal sealed class SlidingCount(int buckets, TimeSpan width)
{
    private readonly long[] _slots = new long[buckets];
    private readonly int[] _counts = new int[buckets];

    /// <summary>The events in the window that ends at <paramref name="now"/>.</summary>
    public int Count(DateTimeOffset now)
    {
        long current = Slot(now);
        int sum = 0;
        for (int i = 0; i < buckets; i++)
        {
            if (_counts[i] > 0 && _slots[i] > current - buckets && _slots[i] <= current)
            {
                sum += _counts[i];
            }
        }

        return sum;
    }

    /// <summary>Counts an event at <paramref name="at"/>; one older than the window at <paramref name="now"/> is ignored.</summary>
    public void Add(DateTimeOffset at, DateTimeOffset now, int delta = 1)
    {
        long slot = Slot(at);
        if (slot <= Slot(now) - buckets)
        {
            return;
        }

        int index = (int)(slot % buckets);
        if (_slots[index] != slot)
        {
            if (_slots[index] > slot || delta < 0)
            {
                return;
            }

            _slots[index] = slot;
            _counts[index] = 0;
        }

        _counts[index] = Math.Max(0, _counts[index] + delta);
    }

    private long Slot(DateTimeOffset at) => at.UtcTicks / width.Ticks;
}

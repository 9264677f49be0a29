namespace Portal.Sip.Limits;

/// <summary>
/// Lets the first report of a key through in each window and holds back the rest (DESIGN §10: a refusal is
/// logged once per source and window), so a flood of refused requests costs one log line or audit entry per
/// key and window. Remembers at most <c>maxKeys</c> keys in a <see cref="BoundedTable{TKey, TValue}"/>: O(1) per
/// report, the least recently seen key making room.
/// </summary>
internal sealed class OncePerWindow<TKey>(TimeProvider time, TimeSpan window, int maxKeys = 10_000, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly BoundedTable<TKey, DateTimeOffset> reported = new(maxKeys, comparer);

    /// <summary>True for the first report of <paramref name="key"/> in its window.</summary>
    public bool ShouldReport(TKey key)
    {
        var first = false;
        reported.AddOrUpdate(key, time.GetUtcNow(), (since, exists, now) =>
        {
            first = !exists || now - since >= window;
            return first ? now : since;
        });
        return first;
    }
}

namespace Portal.Sip.Limits;

/// <summary>
/// A table of per-source state with a fixed number of entries (DESIGN §10: tables are bounded by entries). When
/// full, the entry touched least recently makes room. Every operation is O(1) under one short lock, so a flood
/// of new addresses or user names costs the same per packet as one address.
/// </summary>
public sealed class BoundedTable<TKey, TValue> where TKey : notnull
{
    private readonly int capacity;
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> index;
    private readonly LinkedList<(TKey Key, TValue Value)> recency = new();
    private readonly Lock gate = new();
    private readonly Action<TKey, TValue>? evicted;

    /// <param name="evicted">Told, under the table's lock, of each entry forgotten to make room.</param>
    public BoundedTable(int capacity, IEqualityComparer<TKey>? comparer = null, Action<TKey, TValue>? evicted = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
        this.evicted = evicted;
        index = new Dictionary<TKey, LinkedListNode<(TKey, TValue)>>(Math.Min(capacity, 1024), comparer);
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return index.Count;
            }
        }
    }

    public int Capacity => capacity;

    public bool TryGetValue(TKey key, out TValue value)
    {
        lock (gate)
        {
            if (index.TryGetValue(key, out var node))
            {
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>
    /// Sets <paramref name="key"/> to <paramref name="update"/> of its current value (default when absent) and
    /// returns the new value; the least recently touched entry goes when the table is full.
    /// </summary>
    public TValue AddOrUpdate<TState>(TKey key, TState state, Func<TValue?, bool, TState, TValue> update)
    {
        lock (gate)
        {
            if (index.TryGetValue(key, out var node))
            {
                var value = update(node.Value.Value, true, state);
                node.Value = (key, value);
                recency.Remove(node);
                recency.AddLast(node);
                return value;
            }

            if (index.Count >= capacity && recency.First is { } oldest)
            {
                recency.RemoveFirst();
                index.Remove(oldest.Value.Key);
                evicted?.Invoke(oldest.Value.Key, oldest.Value.Value);
                oldest.Value = (key, update(default, false, state));
                recency.AddLast(oldest);
                index[key] = oldest;
                return oldest.Value.Value;
            }

            var added = recency.AddLast((key, update(default, false, state)));
            index[key] = added;
            return added.Value.Value;
        }
    }

    public bool Remove(TKey key)
    {
        lock (gate)
        {
            if (!index.Remove(key, out var node))
            {
                return false;
            }

            recency.Remove(node);
            return true;
        }
    }
}

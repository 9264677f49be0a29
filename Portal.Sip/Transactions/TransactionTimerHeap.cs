namespace Portal.Sip.Transactions;

/// <summary>
/// The running timers of a <see cref="TransactionTimerQueue"/>: a binary min-heap in an array that doubles when
/// full, ordered by due time, then by start order. Each timer keeps its own index in it, so restarting or stopping
/// one is O(log n) with no search. Not thread-safe: the queue uses it under its lock.
/// </summary>
internal sealed class TransactionTimerHeap
{
    private TransactionTimer[] _items = new TransactionTimer[64];

    public int Count { get; private set; }

    /// <summary>The earliest timer; null when none is running.</summary>
    public TransactionTimer? First => Count > 0 ? _items[0] : null;

    /// <summary>Adds <paramref name="timer"/>, or moves it when it is already in, after its due time changed.</summary>
    public void Set(TransactionTimer timer)
    {
        if (timer.HeapIndex >= 0)
        {
            Restore(timer.HeapIndex);
            return;
        }

        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        Place(timer, Count);
        Count++;
        SiftUp(timer.HeapIndex);
    }

    /// <summary>Takes <paramref name="timer"/> out; a no-op when it is not in.</summary>
    public void Remove(TransactionTimer timer)
    {
        int index = timer.HeapIndex;
        if (index < 0)
        {
            return;
        }

        timer.HeapIndex = -1;
        Count--;
        TransactionTimer last = _items[Count];
        _items[Count] = null!;
        if (index != Count)
        {
            Place(last, index);
            Restore(index);
        }
    }

    public void Clear()
    {
        for (int i = 0; i < Count; i++)
        {
            _items[i].HeapIndex = -1;
            _items[i] = null!;
        }

        Count = 0;
    }

    private static bool Earlier(TransactionTimer a, TransactionTimer b) =>
        a.Due < b.Due || (a.Due == b.Due && a.Sequence < b.Sequence);

    /// <summary>Moves the timer at <paramref name="index"/> up or down to where its due time puts it.</summary>
    private void Restore(int index)
    {
        if (index > 0 && Earlier(_items[index], _items[(index - 1) / 2]))
        {
            SiftUp(index);
        }
        else
        {
            SiftDown(index);
        }
    }

    private void SiftUp(int index)
    {
        TransactionTimer timer = _items[index];
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (!Earlier(timer, _items[parent]))
            {
                break;
            }

            Place(_items[parent], index);
            index = parent;
        }

        Place(timer, index);
    }

    private void SiftDown(int index)
    {
        TransactionTimer timer = _items[index];
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && Earlier(_items[child + 1], _items[child]))
            {
                child++;
            }

            if (!Earlier(_items[child], timer))
            {
                break;
            }

            Place(_items[child], index);
            index = child;
        }

        Place(timer, index);
    }

    private void Place(TransactionTimer timer, int index)
    {
        _items[index] = timer;
        timer.HeapIndex = index;
    }
}

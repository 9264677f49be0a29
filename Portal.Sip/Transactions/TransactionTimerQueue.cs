using Microsoft.Extensions.Logging;

namespace Portal.Sip.Transactions;

/// <summary>
/// Every <see cref="TransactionTimer"/> of one <see cref="SipTransactionLayer"/> on a single runtime timer. Each
/// transaction runs several timers (RFC 3261 §17: A–K, and L and M of RFC 6026), most of them waiting 64*T1
/// (32 s) to end it, so under load hundreds of thousands are running; as runtime timers they cost a runtime timer
/// object each and the runtime's timer thread walks all of them. Here they wait in a <see cref="TransactionTimerHeap"/>
/// ordered by exact due time (<see cref="TimeProvider.GetTimestamp"/>, ties in the order they were started), and the
/// one runtime timer is set for the earliest. Starting, stopping and disposing a timer is O(log n) under a short
/// lock and allocates nothing.
/// When the runtime timer fires, the timers that are due are taken off one at a time, earliest first, and their
/// callbacks run on the firing thread outside the lock, so a callback may start or stop any timer, its own
/// included. A callback may still run just after its timer was stopped: callbacks check their transaction's state.
/// </summary>
internal sealed class TransactionTimerQueue : IDisposable
{
    /// <summary>The longest a runtime timer can be set for (about 49.7 days); later timers are looked at again then.</summary>
    private static readonly TimeSpan LongestArm = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly Lock _gate = new();
    private readonly TransactionTimerHeap _heap = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private long _started;

    /// <summary>The due time the runtime timer is set for; <see cref="long.MaxValue"/> when it is not set.</summary>
    private long _armedFor = long.MaxValue;

    /// <summary>True while a thread takes due timers off the heap; that thread sets the runtime timer when done.</summary>
    private bool _firing;

    private bool _disposed;

    public TransactionTimerQueue(TimeProvider time, ILogger logger)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _timer = time.CreateTimer(static s => ((TransactionTimerQueue)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many timers are running (started, and neither fired nor stopped).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _heap.Count;
            }
        }
    }

    /// <summary>Stops the runtime timer and forgets every running timer; none fires after this.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _heap.Clear();
        }

        _timer.Dispose();
    }

    /// <summary>(Re)starts <paramref name="timer"/> to fire <paramref name="due"/> from now.</summary>
    internal void Start(TransactionTimer timer, TimeSpan due)
    {
        bool dueAlready = false;
        lock (_gate)
        {
            if (_disposed || timer.IsDisposed)
            {
                return;
            }

            long now = _time.GetTimestamp();
            timer.Due = AddSaturating(now, ToTimestampTicks(due));
            timer.Sequence = _started++;
            _heap.Set(timer);

            // A new earliest timer sets the runtime timer; while a thread is firing, that thread sets it when done.
            if (!_firing && ReferenceEquals(_heap.First, timer) && timer.Due < _armedFor)
            {
                _armedFor = timer.Due;
                if (timer.Due > now)
                {
                    _timer.Change(ArmDelay(timer.Due - now), Timeout.InfiniteTimeSpan);
                }
                else
                {
                    dueAlready = true;
                }
            }
        }

        // Outside the lock, because a fake clock runs a timer set for zero inside Change. A real clock never does;
        // the worst this can do is overwrite a later setting, and the firing then sets it again.
        if (dueAlready)
        {
            try
            {
                _timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The layer was disposed meanwhile: no timer fires any more.
            }
        }
    }

    /// <summary>Takes <paramref name="timer"/> off the heap (a no-op when it is not running), for good when disposing.</summary>
    internal void Stop(TransactionTimer timer, bool dispose)
    {
        lock (_gate)
        {
            timer.IsDisposed |= dispose;
            _heap.Remove(timer);
        }
    }

    /// <summary>
    /// The runtime timer fired: runs every due timer in due order, each taken off the heap before its callback runs
    /// (so a restart from the callback, or from another thread meanwhile, puts it back), then sets the runtime timer
    /// for the new earliest.
    /// </summary>
    private void Fire()
    {
        lock (_gate)
        {
            // One thread fires at a time; it also runs whatever falls due while it does.
            if (_firing || _disposed)
            {
                return;
            }

            _firing = true;
            _armedFor = long.MaxValue;
        }

        while (TakeDue() is { } timer)
        {
            timer.Fire(_logger);
        }
    }

    /// <summary>The earliest timer if it is due, off the heap; otherwise null, with the runtime timer set again.</summary>
    private TransactionTimer? TakeDue()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            TransactionTimer? first = _disposed ? null : _heap.First;
            if (first is not null && first.Due <= now)
            {
                _heap.Remove(first);
                return first;
            }

            _firing = false;
            if (first is not null)
            {
                _armedFor = first.Due;
                _timer.Change(ArmDelay(first.Due - now), Timeout.InfiniteTimeSpan);
            }

            return null;
        }
    }

    /// <summary>A duration in timestamp ticks, rounded up so that a timer never fires before its time.</summary>
    private long ToTimestampTicks(TimeSpan due)
    {
        if (due <= TimeSpan.Zero)
        {
            return 0;
        }

        Int128 ticks = (((Int128)due.Ticks * _time.TimestampFrequency) + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return ticks > long.MaxValue ? long.MaxValue : (long)ticks;
    }

    /// <summary>
    /// How long to set the runtime timer for, to reach a due time <paramref name="ahead"/> timestamp ticks away:
    /// rounded up to whole milliseconds, the resolution runtime and fake timers both keep (they truncate).
    /// </summary>
    private TimeSpan ArmDelay(long ahead)
    {
        Int128 milliseconds = (((Int128)ahead * 1000) + _time.TimestampFrequency - 1) / _time.TimestampFrequency;
        return milliseconds >= (Int128)LongestArm.TotalMilliseconds ? LongestArm : TimeSpan.FromMilliseconds(Math.Max(1, (long)milliseconds));
    }

    private static long AddSaturating(long now, long ticks) => ticks > long.MaxValue - now ? long.MaxValue : now + ticks;
}

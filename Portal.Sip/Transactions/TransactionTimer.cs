using Microsoft.Extensions.Logging;

namespace Portal.Sip.Transactions;

/// <summary>
/// One of a transaction's timers (RFC 3261 §17): one-shot, restartable, remembering its last interval so doubling
/// timers (A, E, G) can compute the next. It runs on its layer's <see cref="TransactionTimerQueue"/>, of which it is
/// itself the heap entry, so starting it allocates nothing. A callback that fires after <see cref="Stop"/> must
/// check the transaction's state, as the timers of RFC 3261 §17 are all guarded by one.
/// </summary>
internal sealed class TransactionTimer(TransactionTimerQueue queue, Action callback) : IDisposable
{
    public TimeSpan Interval { get; private set; }

    /// <summary>When it is due, in <see cref="TimeProvider.GetTimestamp"/> ticks; kept by the queue under its lock.</summary>
    internal long Due { get; set; }

    /// <summary>When it was started, relative to the others: equal due times fire in the order they were started.</summary>
    internal long Sequence { get; set; }

    /// <summary>Where it is in the queue's heap; -1 when it is not running. Kept by the queue under its lock.</summary>
    internal int HeapIndex { get; set; } = -1;

    /// <summary>Disposed timers never start again. Kept by the queue under its lock.</summary>
    internal bool IsDisposed { get; set; }

    /// <summary>(Re)starts the timer to fire once, <paramref name="due"/> from now. Does nothing once disposed.</summary>
    public void Start(TimeSpan due)
    {
        Interval = due;
        queue.Start(this, due);
    }

    public void Stop() => queue.Stop(this, dispose: false);

    public void Dispose() => queue.Stop(this, dispose: true);

    /// <summary>Runs the callback on the queue's firing thread. An exception escaping it would end the process; it is logged instead.</summary>
    internal void Fire(ILogger logger)
    {
        try
        {
            callback();
        }
        catch (Exception e)
        {
            TransactionLog.TimerFailed(logger, e);
        }
    }
}

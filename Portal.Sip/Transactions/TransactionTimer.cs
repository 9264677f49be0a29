using Microsoft.Extensions.Logging;

namespace Portal.Sip.Transactions;

/// <summary>
/// One of a transaction's timers on the <see cref="TimeProvider"/>: one-shot, restartable, remembering its last
/// interval so doubling timers (A, E, G) can compute the next. A callback that fires after <see cref="Stop"/>
/// must check the transaction's state, as the timers of RFC 3261 §17 are all guarded by one.
/// </summary>
internal sealed class TransactionTimer(TimeProvider time, ILogger logger, Action callback) : IDisposable
{
    private ITimer? _timer;

    public TimeSpan Interval { get; private set; }

    public void Start(TimeSpan due)
    {
        Interval = due;
        if (_timer is null)
        {
            _timer = time.CreateTimer(static s => ((TransactionTimer)s!).Fire(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    public void Stop() => _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer?.Dispose();

    /// <summary>An exception escaping a timer callback would end the process; log it instead.</summary>
    private void Fire()
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

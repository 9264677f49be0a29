using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Portal.Sip.Limits;

/// <summary>
/// Sheds new calls when the service falls behind, as Kamailio's and FreeSWITCH's overload controls do: a new
/// INVITE gets <c>503 Service Unavailable</c> with <c>Retry-After</c> at once, before any account, database or
/// dialplan work, while calls in progress, their in-dialog requests and retransmissions are served as before.
/// <para>"Behind" is measured, not guessed from a rate that differs per machine. Every <see cref="ProbeInterval"/>
/// two waits are measured: how long work queued to the thread pool waits to run, and how long a datagram waits
/// in the sockets' receive queues before a receive loop reads it (<see cref="Watch"/>; the loops do a message's
/// first work themselves, so when they fall behind the thread pool can look idle while the callers' retransmission
/// timers run out). When either is over <c>Sip:Overload:MaxDelayMilliseconds</c> new calls are shed, until it is
/// back under half of it. A fixed ceiling, <c>Sip:Overload:MaxNewCallsPerSecond</c>, can be set as well.</para>
/// </summary>
public sealed partial class OverloadGuard : IDisposable
{
    /// <summary>How often the thread pool's delay is measured.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(50);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _maxDelay;
    private readonly int _maxPerSecond;
    private readonly Lock _gate = new();
    private readonly ITimer? _probe;
    // Written by the probe alone (or a test); read by every new INVITE.
    private bool _poolBehind;
    private bool _receiveBehind;
    private Func<TimeSpan?>? _receiveWait;
    private long _secondStarted;
    private int _admittedThisSecond;
    private long _shed;

    public OverloadGuard(OverloadOptions options, TimeProvider time, ILogger<OverloadGuard> logger, bool probe = true)
    {
        _time = time;
        _logger = logger;
        _maxDelay = TimeSpan.FromMilliseconds(Math.Max(0, options.MaxDelayMilliseconds));
        _maxPerSecond = Math.Max(0, options.MaxNewCallsPerSecond);
        RetryAfterSeconds = Math.Clamp(options.RetryAfterSeconds, 1, 3600);
        if (probe && _maxDelay > TimeSpan.Zero)
        {
            _probe = time.CreateTimer(_ => Probe(), null, ProbeInterval, ProbeInterval);
        }
    }

    /// <summary>What the <c>Retry-After</c> of a shed call says.</summary>
    public int RetryAfterSeconds { get; }

    /// <summary>True while new calls are being shed because the service is behind.</summary>
    public bool IsShedding => Volatile.Read(ref _poolBehind) || Volatile.Read(ref _receiveBehind);

    /// <summary>New calls shed since the start.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    /// <summary>Whether a new call may start now; false means answer 503 with Retry-After.</summary>
    public bool AdmitNewCall()
    {
        if (IsShedding || !WithinRate())
        {
            Interlocked.Increment(ref _shed);
            return false;
        }

        return true;
    }

    /// <summary>Also measures, at every probe, how long datagrams wait to be read (null: cannot tell).</summary>
    public void Watch(Func<TimeSpan?> receiveWait) => _receiveWait = receiveWait;

    /// <summary>Takes one measurement of how long work waits in the thread pool (the probe, or a test).</summary>
    public void Observe(TimeSpan delay) => Observe(ref _poolBehind, delay, "in the thread pool");

    /// <summary>Takes one measurement of how long datagrams wait in the receive queues (the probe, or a test).</summary>
    public void ObserveReceiveWait(TimeSpan wait) => Observe(ref _receiveBehind, wait, "to be read");

    private void Observe(ref bool behind, TimeSpan delay, string where)
    {
        if (_maxDelay <= TimeSpan.Zero)
        {
            return;
        }

        if (!behind && delay > _maxDelay)
        {
            bool wasShedding = IsShedding;
            Volatile.Write(ref behind, true);
            if (!wasShedding)
            {
                LogShedding(_logger, (long)delay.TotalMilliseconds, where, (long)_maxDelay.TotalMilliseconds);
            }
        }
        else if (behind && delay < _maxDelay / 2)
        {
            Volatile.Write(ref behind, false);
            if (!IsShedding)
            {
                LogRecovered(_logger, Shed);
            }
        }
    }

    public void Dispose() => _probe?.Dispose();

    private void Probe()
    {
        if (_receiveWait?.Invoke() is { } wait)
        {
            ObserveReceiveWait(wait);
        }

        long queued = Stopwatch.GetTimestamp();
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Guard.Observe(Stopwatch.GetElapsedTime(state.Queued)),
            new ProbeState(this, queued), preferLocal: false);
    }

    private bool WithinRate()
    {
        if (_maxPerSecond == 0)
        {
            return true;
        }

        long second = _time.GetTimestamp() / _time.TimestampFrequency;
        lock (_gate)
        {
            if (second != _secondStarted)
            {
                _secondStarted = second;
                _admittedThisSecond = 0;
            }

            return ++_admittedThisSecond <= _maxPerSecond;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP overload: work waits {DelayMs} ms {Where} (limit {LimitMs} ms); new calls get 503 until it catches up")]
    private static partial void LogShedding(ILogger logger, long delayMs, string where, long limitMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP overload over; {Shed} new call(s) shed since the start")]
    private static partial void LogRecovered(ILogger logger, long shed);

    private sealed record ProbeState(OverloadGuard Guard, long Queued);
}

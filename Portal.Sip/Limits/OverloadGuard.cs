using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Portal.Sip.Limits;

/// <summary>
/// Sheds new calls when the service falls behind, as Kamailio's and FreeSWITCH's overload controls do: a new
/// INVITE gets <c>503 Service Unavailable</c> with <c>Retry-After</c> at once, before any account, database or
/// dialplan work, while calls in progress, their in-dialog requests and retransmissions are served as before.
/// <para>"Behind" is measured, not guessed from a rate that differs per machine: a probe is queued to the thread
/// pool every <see cref="ProbeInterval"/>, and the time it waits to run is how long every message waits. Over
/// <c>Sip:Overload:MaxDelayMilliseconds</c> new calls are shed, until the wait is back under half of it. A fixed
/// ceiling, <c>Sip:Overload:MaxNewCallsPerSecond</c>, can be set as well.</para>
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
    private volatile bool _shedding;
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
    public bool IsShedding => _shedding;

    /// <summary>New calls shed since the start.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    /// <summary>Whether a new call may start now; false means answer 503 with Retry-After.</summary>
    public bool AdmitNewCall()
    {
        if (_shedding || !WithinRate())
        {
            Interlocked.Increment(ref _shed);
            return false;
        }

        return true;
    }

    /// <summary>Takes one measurement of how long work waits in the thread pool (the probe, or a test).</summary>
    public void Observe(TimeSpan delay)
    {
        if (_maxDelay <= TimeSpan.Zero)
        {
            return;
        }

        if (!_shedding && delay > _maxDelay)
        {
            _shedding = true;
            LogShedding(_logger, (long)delay.TotalMilliseconds, (long)_maxDelay.TotalMilliseconds);
        }
        else if (_shedding && delay < _maxDelay / 2)
        {
            _shedding = false;
            LogRecovered(_logger, Shed);
        }
    }

    public void Dispose() => _probe?.Dispose();

    private void Probe()
    {
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP overload: work waits {DelayMs} ms (limit {LimitMs} ms); new calls get 503 until it catches up")]
    private static partial void LogShedding(ILogger logger, long delayMs, long limitMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP overload over; {Shed} new call(s) shed since the start")]
    private static partial void LogRecovered(ILogger logger, long shed);

    private sealed record ProbeState(OverloadGuard Guard, long Queued);
}

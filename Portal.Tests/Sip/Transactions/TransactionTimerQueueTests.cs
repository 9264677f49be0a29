using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Portal.Sip.Transactions;
using Portal.Tests.Sip.Transport;

namespace Portal.Tests.Sip.Transactions;

/// <summary>
/// The layer's one timer queue: every transaction timer (RFC 3261 §17) must fire once, at exactly its due time
/// and in due order, however many run and however they are restarted and stopped.
/// </summary>
public sealed class TransactionTimerQueueTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly DateTimeOffset _start;
    private readonly RecordingLogger _logger = new();
    private readonly TransactionTimerQueue _queue;
    private readonly List<(string Name, TimeSpan At)> _fired = [];

    public TransactionTimerQueueTests()
    {
        _start = _time.GetUtcNow();
        _queue = new TransactionTimerQueue(_time, _logger);
    }

    public void Dispose() => _queue.Dispose();

    [Fact]
    public void Start_SeveralTimers_FireInDueOrderAtExactlyTheirDueTimes()
    {
        Timer("c").Start(TimeSpan.FromMilliseconds(300));
        Timer("a").Start(TimeSpan.FromMilliseconds(100));
        Timer("b").Start(TimeSpan.FromMilliseconds(200));
        Timer("a2").Start(TimeSpan.FromMilliseconds(100));

        Step(TimeSpan.FromMilliseconds(99));
        Assert.Empty(_fired);
        Step(TimeSpan.FromSeconds(1));

        Assert.Equal([("a", Ms(100)), ("a2", Ms(100)), ("b", Ms(200)), ("c", Ms(300))], _fired);
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public void Start_ZeroDue_FiresAtOnce()
    {
        Timer("later").Start(TimeSpan.FromMilliseconds(100));

        Timer("now").Start(TimeSpan.Zero);

        Assert.Equal([("now", TimeSpan.Zero)], _fired);
        Step(TimeSpan.FromMilliseconds(100));
        Assert.Equal([("now", TimeSpan.Zero), ("later", Ms(100))], _fired);
    }

    [Fact]
    public void Stop_BeforeDue_NeverFires()
    {
        TransactionTimer stopped = Timer("stopped");
        stopped.Start(TimeSpan.FromMilliseconds(100));
        Timer("kept").Start(TimeSpan.FromMilliseconds(200));

        stopped.Stop();
        Step(TimeSpan.FromSeconds(1));

        Assert.Equal([("kept", Ms(200))], _fired);
    }

    [Fact]
    public void Dispose_BeforeDue_NeverFiresAndLaterStartsAreIgnored()
    {
        TransactionTimer disposed = Timer("disposed");
        disposed.Start(TimeSpan.FromMilliseconds(100));

        disposed.Dispose();
        disposed.Start(TimeSpan.FromMilliseconds(100));
        Step(TimeSpan.FromSeconds(1));

        Assert.Empty(_fired);
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public void Start_AgainWithAnEarlierDue_FiresOnceAtTheEarlierTime()
    {
        TransactionTimer timer = Timer("t");
        timer.Start(TimeSpan.FromSeconds(32));
        Step(TimeSpan.FromMilliseconds(100));

        timer.Start(TimeSpan.FromMilliseconds(400));
        Step(TimeSpan.FromSeconds(40));

        Assert.Equal([("t", Ms(500))], _fired);
    }

    [Fact]
    public void Start_AgainWithALaterDue_FiresOnceAtTheLaterTime()
    {
        TransactionTimer timer = Timer("t");
        timer.Start(TimeSpan.FromMilliseconds(500));
        Step(TimeSpan.FromMilliseconds(400));

        timer.Start(TimeSpan.FromSeconds(4));
        Step(TimeSpan.FromSeconds(10));

        Assert.Equal([("t", Ms(4400))], _fired);
    }

    [Fact]
    public void Start_FromItsOwnCallback_FiresAgainLikeTimerA()
    {
        TransactionTimer? timerA = null;
        timerA = new TransactionTimer(_queue, () =>
        {
            Record("A");
            if (timerA!.Interval < TimeSpan.FromSeconds(4))
            {
                // §17.1.1.2: timer A doubles each time it fires.
                timerA.Start(timerA.Interval * 2);
            }
        });
        timerA.Start(TimeSpan.FromMilliseconds(500));

        Step(TimeSpan.FromSeconds(60));

        Assert.Equal([Ms(500), Ms(1500), Ms(3500), Ms(7500)], _fired.Select(f => f.At));
    }

    [Fact]
    public void Fire_CallbackStopsATimerDueAtTheSameInstant_ThatTimerDoesNotFire()
    {
        TransactionTimer timerA = Timer("A");
        TransactionTimer timerB = new(_queue, () =>
        {
            Record("B");
            timerA.Stop();
        });
        timerB.Start(TimeSpan.FromMilliseconds(500));
        timerA.Start(TimeSpan.FromMilliseconds(500));

        Step(TimeSpan.FromSeconds(1));

        Assert.Equal([("B", Ms(500))], _fired);
    }

    [Fact]
    public void Fire_CallbackThrows_TheOthersStillFireAndTheFailureIsLogged()
    {
        Timer("before").Start(TimeSpan.FromMilliseconds(100));
        new TransactionTimer(_queue, () => throw new InvalidOperationException("broken callback")).Start(TimeSpan.FromMilliseconds(100));
        Timer("same instant").Start(TimeSpan.FromMilliseconds(100));
        Timer("later").Start(TimeSpan.FromMilliseconds(200));

        Step(TimeSpan.FromSeconds(1));

        Assert.Equal([("before", Ms(100)), ("same instant", Ms(100)), ("later", Ms(200))], _fired);
        (LogLevel level, string text) = Assert.Single(_logger.Lines);
        Assert.Equal(LogLevel.Error, level);
        Assert.Equal("A transaction timer failed", text);
    }

    [Fact]
    public void Start_TenThousandTimersWithRandomDuesAndStops_FiresExactlyTheRunningOnesOnceInDueOrder()
    {
        var random = new Random(3261);
        var timers = new TransactionTimer[10_000];
        var due = new TimeSpan?[timers.Length];
        for (int i = 0; i < timers.Length; i++)
        {
            timers[i] = Timer(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            due[i] = Ms(random.Next(1, 64_000));
            timers[i].Start(due[i]!.Value);
        }

        for (int i = 0; i < timers.Length; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    timers[i].Stop();
                    due[i] = null;
                    break;
                case 1:
                    due[i] = Ms(random.Next(1, 64_000));
                    timers[i].Start(due[i]!.Value);
                    break;
            }
        }

        Step(TimeSpan.FromSeconds(70));

        var expected = due.Select((d, i) => (Name: i.ToString(System.Globalization.CultureInfo.InvariantCulture), At: d))
            .Where(e => e.At is not null)
            .Select(e => (e.Name, At: e.At!.Value))
            .ToList();
        Assert.Equal(expected.Count, _fired.Count);
        Assert.Equal(expected.ToHashSet(), _fired.ToHashSet());
        Assert.Equal(_fired.OrderBy(f => f.At), _fired);
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task Start_OnAnotherThreadWhileItsOwnCallbackRuns_IsNotLost()
    {
        using var running = new ManualResetEventSlim();
        using var restarted = new ManualResetEventSlim();
        TransactionTimer? timer = null;
        timer = new TransactionTimer(_queue, () =>
        {
            Record("t");
            if (_fired.Count == 1)
            {
                running.Set();
                restarted.Wait(TimeSpan.FromSeconds(10));
            }
        });
        timer.Start(TimeSpan.FromMilliseconds(100));

        Task restart = Task.Run(() =>
        {
            Assert.True(running.Wait(TimeSpan.FromSeconds(10)));
            timer.Start(TimeSpan.FromMilliseconds(200));
            restarted.Set();
        });
        Step(TimeSpan.FromMilliseconds(100));
        await restart;
        Step(TimeSpan.FromSeconds(1));

        Assert.Equal([Ms(100), Ms(300)], _fired.Select(f => f.At));
    }

    [Fact]
    public void Dispose_Queue_NoTimerFiresAfterwards()
    {
        Timer("t").Start(TimeSpan.FromMilliseconds(100));

        _queue.Dispose();
        Timer("after").Start(TimeSpan.FromMilliseconds(100));
        Step(TimeSpan.FromSeconds(1));

        Assert.Empty(_fired);
    }

    [Fact]
    public void Start_OnTheSystemClock_EveryTimerFiresOnce()
    {
        using var queue = new TransactionTimerQueue(TimeProvider.System, NullLogger.Instance);
        using var all = new CountdownEvent(200);
        int[] fired = new int[200];
        for (int i = 0; i < fired.Length; i++)
        {
            int index = i;
            new TransactionTimer(queue, () =>
            {
                Interlocked.Increment(ref fired[index]);
                all.Signal();
            }).Start(TimeSpan.FromMilliseconds(index % 20));
        }

        Assert.True(all.Wait(TimeSpan.FromSeconds(30)));
        Assert.All(fired, count => Assert.Equal(1, count));
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>
    /// Moves the fake clock a millisecond at a time: a fake timer runs with the clock at the end of the
    /// <see cref="FakeTimeProvider.Advance(TimeSpan)"/> that reached it, so each step shows the instant a timer fired.
    /// </summary>
    private void Step(TimeSpan total)
    {
        for (TimeSpan moved = TimeSpan.Zero; moved < total; moved += Ms(1))
        {
            _time.Advance(Ms(1));
        }
    }

    private TransactionTimer Timer(string name) => new(_queue, () => Record(name));

    private void Record(string name) => _fired.Add((name, _time.GetUtcNow() - _start));
}

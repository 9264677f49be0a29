namespace Portal.Tests.Sip.Dialplans;

/// <summary>
/// A clock that moves on by <see cref="Step"/> every time it is read, so an evaluation's budget runs out after a
/// known amount of work rather than of real time. With <see cref="HoldNextReading"/>, the next reading waits
/// until <see cref="Release"/>: an evaluation that starts then stays running for as long as a test needs.
/// </summary>
internal sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _released = new(false);
    private long _ticks;
    private int _hold;

    public TimeSpan Step => step;

    /// <summary>Completes once a reading is being held.</summary>
    public Task Held => _held.Task;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void HoldNextReading() => Volatile.Write(ref _hold, 1);

    public void Release() => _released.Set();

    public override long GetTimestamp()
    {
        if (Interlocked.Exchange(ref _hold, 0) == 1)
        {
            _held.TrySetResult();
            _released.Wait(TimeSpan.FromSeconds(30));
        }

        return Interlocked.Add(ref _ticks, step.Ticks);
    }
}

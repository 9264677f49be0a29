using Microsoft.Extensions.Options;

namespace Portal.Runtime;

/// <summary>
/// Gives memory back to the system once a load is over. The server garbage collector keeps the heap it grew into
/// during a burst of calls, and with little allocation afterwards no collection comes to release it: a service that
/// took 2,000 calls a second an hour ago would still hold that peak. Every <c>Portal:Memory:TrimWhenIdleSeconds</c>
/// this looks at how much was allocated since the last look. Under load that is hundreds of megabytes a second; when
/// it is under <see cref="QuietAllocationBytes"/> the load is over, and an aggressive, compacting collection returns
/// what the heap holds beyond what is alive. While it stays quiet this repeats each period for as long as a
/// collection still gives back more than <see cref="WorthwhileBytes"/>: the SIP transactions of the last calls linger
/// for 64*T1 (32 s) after them, so the first collection cannot free them all.
/// </summary>
public sealed partial class IdleMemoryTrim(IOptions<MemoryTrimOptions> options, TimeProvider time, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    /// <summary>Allocation over one period under which the process counts as quiet (a few calls, the portal's pages).</summary>
    public const long QuietAllocationBytes = 64L * 1024 * 1024;

    /// <summary>What a collection must give back for another to follow while the process stays quiet.</summary>
    public const long WorthwhileBytes = 16L * 1024 * 1024;

    /// <summary>
    /// Whether to collect now: quiet over the last period, and either the first look of this quiet spell or the
    /// last collection gave back enough to try again.
    /// </summary>
    public static bool ShouldTrim(long allocatedInPeriod, long? lastGivenBack) =>
        allocatedInPeriod < QuietAllocationBytes && (lastGivenBack is null || lastGivenBack >= WorthwhileBytes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.TrimWhenIdleSeconds;
        if (seconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        var allocated = GC.GetTotalAllocatedBytes();
        long? lastGivenBack = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = GC.GetTotalAllocatedBytes();
                var inPeriod = now - allocated;
                if (inPeriod >= QuietAllocationBytes)
                {
                    // Busy: a new quiet spell will start with a collection again.
                    lastGivenBack = null;
                }
                else if (ShouldTrim(inPeriod, lastGivenBack))
                {
                    var before = Environment.WorkingSet;
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    var after = Environment.WorkingSet;
                    lastGivenBack = before - after;
                    if (lastGivenBack >= WorthwhileBytes)
                    {
                        LogTrimmed(logger, before / (1024 * 1024), after / (1024 * 1024));
                    }
                }

                allocated = GC.GetTotalAllocatedBytes();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Idle: gave memory back, the process held {BeforeMegabytes} MB and now holds {AfterMegabytes} MB")]
    private static partial void LogTrimmed(ILogger logger, long beforeMegabytes, long afterMegabytes);
}

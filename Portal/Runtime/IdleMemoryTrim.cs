using Microsoft.Extensions.Options;

namespace Portal.Runtime;

/// <summary>
/// Gives memory back to the system once a load is over. The garbage collector keeps the heap it grew into during a
/// burst of calls, and with no allocation afterwards no collection comes to release it: a service that took 2,000
/// calls a second an hour ago would still hold that peak. Every <c>Portal:Memory:TrimWhenIdleSeconds</c> this looks
/// at how much the heap allocated since the last look (collections of generation 0) and at what it holds against
/// what is alive; when the process has been quiet for a whole period and holds well over twice what is alive, one
/// aggressive, compacting collection returns the difference. It never runs under load (the collector is busy then,
/// and a blocking collection would stall calls), and once per quiet spell.
/// </summary>
public sealed partial class IdleMemoryTrim(IOptions<MemoryTrimOptions> options, TimeProvider time, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    /// <summary>What the heap may hold beyond twice its live data without a trim being worth a collection.</summary>
    public const long Slack = 32L * 1024 * 1024;

    /// <summary>
    /// Whether to trim now: at most one collection of generation 0 in the last period (hardly any allocation, so the
    /// load is over) and more committed than twice the live heap plus <see cref="Slack"/>.
    /// </summary>
    public static bool ShouldTrim(int collectionsInPeriod, long committedBytes, long liveBytes) =>
        collectionsInPeriod <= 1 && committedBytes > 2 * liveBytes + Slack;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.TrimWhenIdleSeconds;
        if (seconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        var collections = GC.CollectionCount(0);
        var trimmed = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = GC.CollectionCount(0);
                var inPeriod = now - collections;
                collections = now;
                if (inPeriod > 1)
                {
                    trimmed = false;
                    continue;
                }

                var info = GC.GetGCMemoryInfo();
                if (trimmed || !ShouldTrim(inPeriod, info.TotalCommittedBytes, info.HeapSizeBytes))
                {
                    continue;
                }

                var before = info.TotalCommittedBytes;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
                LogTrimmed(logger, before / (1024 * 1024), after / (1024 * 1024));
                trimmed = true;
                collections = GC.CollectionCount(0);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Idle: gave memory back, the heap held {BeforeMegabytes} MB and now holds {AfterMegabytes} MB")]
    private static partial void LogTrimmed(ILogger logger, long beforeMegabytes, long afterMegabytes);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Cluster;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>
/// At server start, closes the call records the previous run left open: those calls ended when the process
/// stopped, so they are marked Interrupted rather than left "in progress" forever (DESIGN §4, issue: nothing
/// is lost on a restart). Runs before the SIP service accepts new calls; the admin commands never run it.
/// With several nodes (<c>Cluster:Redis</c>) a node closes only its own records, and those from before calls named
/// their node: another node's open calls are live on that node (DESIGN §11).
/// </summary>
public sealed partial class CallRecordRecovery(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<ClusterOptions> cluster,
    TimeProvider time,
    ILogger<CallRecordRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.CallRecords.Where(c => c.EndedAt == null);
        if (cluster.Value.HasRedis)
        {
            var nodeId = cluster.Value.NodeId;
            query = query.Where(c => c.NodeId == null || c.NodeId == nodeId);
        }

        var open = await query.ToListAsync(cancellationToken);
        foreach (var record in open)
        {
            record.EndedAt = now;
            record.Status = CallStatus.Interrupted;
            record.HangupReason ??= "The service stopped during the call";
            if (record.AnsweredAt is { } answered)
            {
                record.DurationSeconds = (int)Math.Max(0, (now - answered).TotalSeconds);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (open.Count > 0)
        {
            LogClosed(logger, open.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed {Count} call record(s) left open by the last run as Interrupted")]
    private static partial void LogClosed(ILogger logger, int count);
}

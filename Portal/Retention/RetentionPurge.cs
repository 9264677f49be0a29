using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Retention;

/// <summary>
/// Deletes call records and audit entries past their retention (<see cref="RetentionOptions"/>) once at start and
/// then daily. It deletes in small batches on a key range with a pause between them: SQLite has one writer, and a
/// long delete would hold the write lock that call records and registrations are waiting for.
/// </summary>
public sealed partial class RetentionPurge(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionPurge> logger) : BackgroundService
{
    /// <summary>Rows one statement deletes at most: a few milliseconds of SQLite's write lock.</summary>
    public const int BatchSize = 1000;

    private static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>One pass over both tables; the background loop calls it, tests call it directly.</summary>
    public async Task<RetentionPurgeResult> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var batches = 0;
        var calls = 0;
        if (settings.CallRecordsDays > 0)
        {
            var cutoff = now.AddDays(-settings.CallRecordsDays);
            // Open calls (no end yet) stay whatever their age: the call manager still writes to them.
            (calls, var callBatches) = await DeleteInBatchesAsync(db => db.CallRecords, c => c.Id, c => c.StartedAt < cutoff && c.EndedAt != null,
                settings, cancellationToken);
            batches += callBatches;
        }

        var audits = 0;
        if (settings.AuditDays > 0)
        {
            var cutoff = now.AddDays(-settings.AuditDays);
            (audits, var auditBatches) = await DeleteInBatchesAsync(db => db.AuditEntries, a => a.Id, a => a.At < cutoff, settings, cancellationToken);
            batches += auditBatches;
        }

        if (calls + audits > 0)
        {
            LogPurged(logger, calls, audits, batches);
        }

        return new RetentionPurgeResult(calls, audits, batches);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed purge is tried again tomorrow; it must never take the service down.
                LogFailed(logger, ex);
            }

            await Task.Delay(Interval, time, stoppingToken);
        }
    }

    private async Task<(int Deleted, int Batches)> DeleteInBatchesAsync<T>(Func<PortalDbContext, DbSet<T>> table,
        Expression<Func<T, long>> key, Expression<Func<T, bool>> expired, RetentionOptions settings, CancellationToken cancellationToken)
        where T : class
    {
        var deleted = 0;
        var batches = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var rows = table(db).Where(expired);
            // The key of the BatchSize-th expired row bounds this statement; the oldest rows have the lowest keys.
            var keys = await rows.OrderBy(key).Select(key).Take(BatchSize).ToListAsync(cancellationToken);
            if (keys.Count == 0)
            {
                return (deleted, batches);
            }

            var (first, last) = (keys[0], keys[^1]);
            var inRange = Expression.Lambda<Func<T, bool>>(
                Expression.AndAlso(
                    Expression.GreaterThanOrEqual(key.Body, Expression.Constant(first)),
                    Expression.LessThanOrEqual(key.Body, Expression.Constant(last))),
                key.Parameters);
            deleted += await rows.Where(inRange).ExecuteDeleteAsync(cancellationToken);
            batches++;
            if (keys.Count < BatchSize)
            {
                return (deleted, batches);
            }

            if (settings.BatchPauseMilliseconds > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(settings.BatchPauseMilliseconds), time, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {CallRecords} call record(s) and {AuditEntries} audit entries in {Batches} batch(es)")]
    private static partial void LogPurged(ILogger logger, int callRecords, int auditEntries, int batches);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention: the purge failed; it runs again in a day")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

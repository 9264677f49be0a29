using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>The caller's call records: filtered, paged on the server, exported as CSV.</summary>
public sealed class CallHistoryService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxPageSize = 200;
    public const int MaxExportRows = 100_000;

    public async Task<CallHistoryPage> QueryAsync(PortalCaller caller, CallHistoryFilter filter, int page, int pageSize,
        CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(0, page);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, caller, filter);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(c => c.StartedAt).ThenByDescending(c => c.Id)
            .Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new CallHistoryPage(items, total);
    }

    /// <summary>Every record the filter selects (up to <see cref="MaxExportRows"/>), as RFC 4180 CSV.</summary>
    public async Task<string> ExportCsvAsync(PortalCaller caller, CallHistoryFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var csv = new StringBuilder("started_utc,answered_utc,ended_utc,direction,from,to,status,hangup_reason,duration_seconds,transferred_to,dialplan,call_id\r\n");
        await foreach (var c in Filtered(db, caller, filter).OrderByDescending(c => c.StartedAt).Take(MaxExportRows).AsAsyncEnumerable()
                           .WithCancellation(cancellationToken))
        {
            csv.AppendJoin(',', Csv.Time(c.StartedAt), Csv.Time(c.AnsweredAt), Csv.Time(c.EndedAt), c.Direction.ToString(), Csv.Field(c.From), Csv.Field(c.To),
                c.Status.ToString(), Csv.Field(c.HangupReason), c.DurationSeconds?.ToString(CultureInfo.InvariantCulture) ?? "",
                Csv.Field(c.TransferredTo), Csv.Field(c.DialplanName), Csv.Field(c.CallerCallId));
            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    private static IQueryable<CallRecord> Filtered(PortalDbContext db, PortalCaller caller, CallHistoryFilter filter)
    {
        var query = db.CallRecords.AsNoTracking().Where(c => c.OwnerId == caller.UserId);
        if (filter.FromDate is { } from)
        {
            query = query.Where(c => c.StartedAt >= from.Date);
        }

        if (filter.ToDate is { } to)
        {
            var end = to.Date.AddDays(1);
            query = query.Where(c => c.StartedAt < end);
        }

        if (!string.IsNullOrWhiteSpace(filter.Number))
        {
            var number = filter.Number.Trim();
            query = query.Where(c => c.From.Contains(number) || c.To.Contains(number));
        }

        if (filter.Status is { } status)
        {
            query = query.Where(c => c.Status == status);
        }

        return query;
    }
}

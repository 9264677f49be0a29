using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>
/// Reads the audit log: every entry for admins (Admin → Audit), and a user's own activity (Your account → Activity):
/// what they did, in the portal or with their call manager keys, and what was done to their account. Filtered and
/// paged on the server, exported as CSV.
/// </summary>
public sealed class AuditTrailService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxPageSize = 200;
    public const int MaxExportRows = 100_000;

    /// <summary>Every user's entries; admins only.</summary>
    public Task<AuditPage> QueryAllAsync(PortalCaller caller, AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller);
        return QueryAsync(caller, filter, ownOnly: false, page, pageSize, cancellationToken);
    }

    /// <summary>The caller's own entries, whoever the caller is (an admin too sees only their own here).</summary>
    public Task<AuditPage> QueryOwnAsync(PortalCaller caller, AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken = default) =>
        QueryAsync(caller, filter, ownOnly: true, page, pageSize, cancellationToken);

    /// <summary>
    /// The filtered entries (up to <see cref="MaxExportRows"/>, newest first) as RFC 4180 CSV: every user's when
    /// <paramref name="ownOnly"/> is false (admins only), else the caller's own.
    /// </summary>
    public async Task<string> ExportCsvAsync(PortalCaller caller, AuditFilter filter, bool ownOnly, CancellationToken cancellationToken = default)
    {
        if (!ownOnly)
        {
            RequireAdmin(caller);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilteredAsync(db, caller, filter, ownOnly, cancellationToken);
        var csv = new StringBuilder("at_utc,actor,action,target,detail,source_ip\r\n");
        await foreach (var a in query.OrderByDescending(a => a.Id).Take(MaxExportRows).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            csv.AppendJoin(',', Csv.Time(a.At), Csv.Field(a.Actor), Csv.Field(a.Action), Csv.Field(a.Target), Csv.Field(a.Detail), Csv.Field(a.SourceIp));
            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    private async Task<AuditPage> QueryAsync(PortalCaller caller, AuditFilter filter, bool ownOnly, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(0, page);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilteredAsync(db, caller, filter, ownOnly, cancellationToken);
        var total = await query.CountAsync(cancellationToken);
        // Ids grow with time, and order entries written in the same tick as they were written.
        var items = await query.OrderByDescending(a => a.Id).Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new AuditPage(items, total);
    }

    private static async Task<IQueryable<AuditEntry>> FilteredAsync(PortalDbContext db, PortalCaller caller, AuditFilter filter, bool ownOnly,
        CancellationToken cancellationToken)
    {
        var query = db.AuditEntries.AsNoTracking();
        if (ownOnly)
        {
            // Theirs: done by them (in the portal, or with one of their keys, revoked ones included), done to their
            // portal account (user.* entries name the account as the target), or concerning their calls (OwnerId:
            // a refused call or REFER, an admin's hang-up).
            var actors = await db.CallManagerKeys.Where(k => k.OwnerId == caller.UserId).Select(k => "key:" + k.Prefix).ToListAsync(cancellationToken);
            actors.Add(caller.AuditName);
            var (userId, userName) = (caller.UserId, caller.UserName);
            query = query.Where(a => actors.Contains(a.Actor) || a.OwnerId == userId || (a.Action.StartsWith("user.") && a.Target == userName));
        }

        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = filter.Actor.Trim().ToLower();
            query = query.Where(a => a.Actor.ToLower().Contains(actor));
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            var action = filter.Action.Trim().ToLower();
            query = query.Where(a => a.Action.ToLower().Contains(action));
        }

        if (filter.FromDate is { } from)
        {
            var start = from.Date;
            query = query.Where(a => a.At >= start);
        }

        if (filter.ToDate is { } to)
        {
            var end = to.Date.AddDays(1);
            query = query.Where(a => a.At < end);
        }

        return query;
    }

    private static void RequireAdmin(PortalCaller caller)
    {
        if (!caller.IsAdmin)
        {
            throw new UnauthorizedAccessException("Only admins read the whole audit log.");
        }
    }
}

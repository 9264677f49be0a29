using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>Writes who did what to the audit table (DESIGN §4, §7).</summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task WriteAsync(string actor, string action, string target, string? detail = null, string? sourceIp = null,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(Entry(actor, action, target, detail, sourceIp));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Adds an entry to a unit of work the caller is about to save, so the change and its record commit together.</summary>
    public void Add(PortalDbContext db, string actor, string action, string target, string? detail = null, string? sourceIp = null) =>
        db.AuditEntries.Add(Entry(actor, action, target, detail, sourceIp));

    private AuditEntry Entry(string actor, string action, string target, string? detail, string? sourceIp) => new()
    {
        Actor = Truncate(actor, 64),
        Action = Truncate(action, 64),
        Target = Truncate(target, 256),
        Detail = detail is null ? null : Truncate(detail, 1024),
        SourceIp = sourceIp,
        At = time.GetUtcNow().UtcDateTime,
    };

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

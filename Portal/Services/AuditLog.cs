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

    /// <summary>Writes an entry about <paramref name="ownerId"/>'s calls; null when the actor is the owner (see <see cref="AddForOwner"/>).</summary>
    public async Task WriteForOwnerAsync(string? ownerId, string actor, string action, string target, string? detail, string? sourceIp)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var entry = Entry(actor, action, target, detail, sourceIp);
        entry.OwnerId = ownerId;
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync();
    }

    /// <summary>Adds an entry to a unit of work the caller is about to save, so the change and its record commit together.</summary>
    public void Add(PortalDbContext db, string actor, string action, string target, string? detail = null, string? sourceIp = null) =>
        db.AuditEntries.Add(Entry(actor, action, target, detail, sourceIp));

    /// <summary>
    /// Adds an entry that concerns <paramref name="ownerId"/>'s calls although someone else acted (a refused call or
    /// REFER, DESIGN §10), so that user's Home page can show it.
    /// </summary>
    public void AddForOwner(PortalDbContext db, string ownerId, string actor, string action, string target, string? detail, string? sourceIp)
    {
        var entry = Entry(actor, action, target, detail, sourceIp);
        entry.OwnerId = ownerId;
        db.AuditEntries.Add(entry);
    }

    private AuditEntry Entry(string actor, string action, string target, string? detail, string? sourceIp) => new()
    {
        Actor = Truncate(actor, 64),
        Action = Truncate(action, 64),
        Target = Truncate(target, 256),
        Detail = detail is null ? null : Truncate(detail, 1024),
        SourceIp = sourceIp is null ? null : Truncate(sourceIp, 64),
        At = time.GetUtcNow().UtcDateTime,
    };

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Sip.Registrar;

namespace Portal.SipIntegration;

/// <summary>
/// Registrations stored in the portal database, so they survive a restart; the SIP service reads and changes them
/// in memory (<see cref="BindingCache"/>) and writes them here behind, in batches. Changes take their turn with the
/// SIP service's other writes (<see cref="SipDatabaseWrites"/>).
/// </summary>
public sealed class EfSipBindingStore(IDbContextFactory<PortalDbContext> dbFactory, SipDatabaseWrites writes) : ISipBindingStore
{
    public async Task<IReadOnlyList<SipBindingRecord>> ListAsync(int accountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SipBindings.AsNoTracking()
            .Where(b => b.SipAccountId == accountId)
            .Select(b => new SipBindingRecord(b.ContactUri, b.ReceivedFrom, b.UserAgent, b.ExpiresAt, b.CallId, b.CSeq, b.UnreachableSince, b.Path))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<(int AccountId, SipBindingRecord Binding)>> ListUnexpiredAsync(DateTime now, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.SipBindings.AsNoTracking()
            .Where(b => b.ExpiresAt > now)
            .Select(b => new { b.SipAccountId, Binding = new SipBindingRecord(b.ContactUri, b.ReceivedFrom, b.UserAgent, b.ExpiresAt, b.CallId, b.CSeq, b.UnreachableSince, b.Path) })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.SipAccountId, r.Binding))];
    }

    public Task ReplaceAsync(int accountId, IReadOnlyList<SipBindingRecord> bindings, CancellationToken cancellationToken = default) =>
        ReplaceManyAsync(new Dictionary<int, IReadOnlyList<SipBindingRecord>> { [accountId] = bindings }, cancellationToken);

    /// <summary>Every account's new bindings in one transaction (the registrations written behind, in a batch).</summary>
    public Task ReplaceManyAsync(IReadOnlyDictionary<int, IReadOnlyList<SipBindingRecord>> bindings, CancellationToken cancellationToken = default) =>
        writes.RunAsync(() => ReplaceInTurnAsync(bindings, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<int>> RemoveExpiredAsync(DateTime now, CancellationToken cancellationToken = default) =>
        writes.RunAsync(() => RemoveExpiredInTurnAsync(now, cancellationToken), cancellationToken);

    private async Task ReplaceInTurnAsync(IReadOnlyDictionary<int, IReadOnlyList<SipBindingRecord>> bindings, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var accounts = bindings.Keys.ToList();
        var existing = (await db.SipBindings.Where(b => accounts.Contains(b.SipAccountId)).ToListAsync(cancellationToken))
            .ToLookup(b => b.SipAccountId);
        foreach (var (accountId, records) in bindings)
        {
            Replace(db, accountId, [.. existing[accountId]], records);
        }

        // One SaveChanges is one transaction.
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void Replace(PortalDbContext db, int accountId, List<SipBinding> existing, IReadOnlyList<SipBindingRecord> bindings)
    {
        var wanted = bindings.Select(b => b.ContactUri).ToHashSet(StringComparer.Ordinal);
        db.SipBindings.RemoveRange(existing.Where(b => !wanted.Contains(b.ContactUri)));
        foreach (var record in bindings)
        {
            var row = existing.FirstOrDefault(b => b.ContactUri == record.ContactUri);
            if (row is null)
            {
                row = new SipBinding { SipAccountId = accountId, ContactUri = record.ContactUri, ReceivedFrom = record.ReceivedFrom, CallId = record.CallId };
                db.SipBindings.Add(row);
            }

            row.ReceivedFrom = record.ReceivedFrom;
            row.UserAgent = record.UserAgent is { Length: > 256 } ua ? ua[..256] : record.UserAgent;
            row.ExpiresAt = record.ExpiresAt;
            row.CallId = record.CallId;
            row.CSeq = record.CSeq;
            row.UnreachableSince = record.UnreachableSince;
            row.Path = record.Path;
        }
    }

    private async Task<IReadOnlyList<int>> RemoveExpiredInTurnAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var accounts = await db.SipBindings.Where(b => b.ExpiresAt <= now).Select(b => b.SipAccountId).Distinct().ToListAsync(cancellationToken);
        if (accounts.Count > 0)
        {
            await db.SipBindings.Where(b => b.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        }

        return accounts;
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Sip.Registrar;

namespace Portal.SipIntegration;

/// <summary>
/// Registrations stored in the portal database, so they survive a restart; changes take their turn with the SIP
/// service's other writes (<see cref="SipDatabaseWrites"/>).
/// </summary>
public sealed class EfSipBindingStore(IDbContextFactory<PortalDbContext> dbFactory, SipDatabaseWrites writes) : ISipBindingStore
{
    public async Task<IReadOnlyList<SipBindingRecord>> ListAsync(int accountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SipBindings.AsNoTracking()
            .Where(b => b.SipAccountId == accountId)
            .Select(b => new SipBindingRecord(b.ContactUri, b.ReceivedFrom, b.UserAgent, b.ExpiresAt, b.CallId, b.CSeq, b.Path))
            .ToListAsync(cancellationToken);
    }

    public Task ReplaceAsync(int accountId, IReadOnlyList<SipBindingRecord> bindings, CancellationToken cancellationToken = default) =>
        writes.RunAsync(() => ReplaceInTurnAsync(accountId, bindings, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<int>> RemoveExpiredAsync(DateTime now, CancellationToken cancellationToken = default) =>
        writes.RunAsync(() => RemoveExpiredInTurnAsync(now, cancellationToken), cancellationToken);

    private async Task ReplaceInTurnAsync(int accountId, IReadOnlyList<SipBindingRecord> bindings, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var existing = await db.SipBindings.Where(b => b.SipAccountId == accountId).ToListAsync(cancellationToken);
        var wanted = bindings.ToDictionary(b => b.ContactUri, StringComparer.Ordinal);
        db.SipBindings.RemoveRange(existing.Where(b => !wanted.ContainsKey(b.ContactUri)));
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
            row.Path = record.Path;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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

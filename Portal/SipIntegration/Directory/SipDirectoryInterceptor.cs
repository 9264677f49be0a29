using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Data.Entities;

namespace Portal.SipIntegration.Directory;

/// <summary>
/// Tells the SIP directory which owners a save touched (DESIGN §10: the in-memory directory changes when the
/// database does). Entries are read before the save, since deleted ones are detached after it, and published only
/// once it committed. Writes that bypass the change tracker (ExecuteUpdate/Delete) are not seen; the SIP service
/// makes none to what the directory holds, and the periodic refresh covers other processes.
/// </summary>
public sealed class SipDirectoryInterceptor(SipDirectoryChanges changes) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, SipDirectoryChange> pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Publish(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Publish(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Discard(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        HashSet<string> owners = new(StringComparer.Ordinal);
        List<(string, string)> accounts = [];
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            switch (entry.Entity)
            {
                case SipAccount account:
                    owners.Add(account.OwnerId);
                    accounts.Add((account.Username, account.OwnerId));
                    if (entry.State == EntityState.Modified
                        && entry.Property(nameof(SipAccount.Username)).OriginalValue is string before && before != account.Username)
                    {
                        accounts.Add((before, account.OwnerId));
                    }

                    break;
                case Dialplan dialplan:
                    owners.Add(dialplan.OwnerId);
                    break;
                case SipProvider provider:
                    owners.Add(provider.OwnerId);
                    break;
                case PortalUser user:
                    owners.Add(user.Id);
                    break;
            }
        }

        if (owners.Count > 0)
        {
            pending.AddOrUpdate(context, new SipDirectoryChange(owners, accounts));
        }
    }

    private void Publish(DbContext? context)
    {
        if (context is not null && pending.TryGetValue(context, out var change))
        {
            pending.Remove(context);
            changes.Publish(change);
        }
    }

    private void Discard(DbContext? context)
    {
        if (context is not null)
        {
            pending.Remove(context);
        }
    }
}

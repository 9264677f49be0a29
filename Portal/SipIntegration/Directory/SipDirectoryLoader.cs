using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Sip.Auth;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls;

namespace Portal.SipIntegration.Directory;

/// <summary>The database reads behind the SIP directory: everything at once, one owner, or one account.</summary>
internal sealed class SipDirectoryLoader(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<SipAccountCredentials?> FindAccountAsync(string username, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Credentials(db.SipAccounts.AsNoTracking().Where(a => a.Username == username)).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Every owner that has an account, a dialplan or a provider.</summary>
    public async Task<IReadOnlyList<DirectoryOwner>> LoadAllAsync(long generation, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var accounts = await Credentials(db.SipAccounts.AsNoTracking()).ToListAsync(cancellationToken);
        var dialplans = await db.Dialplans.AsNoTracking()
            .Select(d => new { d.OwnerId, Record = new DialplanSourceRecord(d.Name, d.Source, d.Version) })
            .ToListAsync(cancellationToken);
        var providers = await Providers(db.SipProviders.AsNoTracking()).ToListAsync(cancellationToken);

        var owners = accounts.Select(a => a.OwnerId).Concat(dialplans.Select(d => d.OwnerId)).Concat(providers.Select(p => p.OwnerId))
            .ToHashSet(StringComparer.Ordinal);
        var accountsByOwner = accounts.ToLookup(a => a.OwnerId, StringComparer.Ordinal);
        var dialplansByOwner = dialplans.ToLookup(d => d.OwnerId, d => d.Record, StringComparer.Ordinal);
        var providersByOwner = providers.ToLookup(p => p.OwnerId, StringComparer.Ordinal);
        return [.. owners.Select(owner => Owner(owner, accountsByOwner[owner], dialplansByOwner[owner], providersByOwner[owner], generation))];
    }

    public async Task<DirectoryOwner> LoadOwnerAsync(string ownerId, long generation, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var accounts = await Credentials(db.SipAccounts.AsNoTracking().Where(a => a.OwnerId == ownerId)).ToListAsync(cancellationToken);
        var dialplans = await db.Dialplans.AsNoTracking().Where(d => d.OwnerId == ownerId)
            .Select(d => new DialplanSourceRecord(d.Name, d.Source, d.Version))
            .ToListAsync(cancellationToken);
        var providers = await Providers(db.SipProviders.AsNoTracking().Where(p => p.OwnerId == ownerId)).ToListAsync(cancellationToken);
        return Owner(ownerId, accounts, dialplans, providers, generation);
    }

    private static DirectoryOwner Owner(string ownerId, IEnumerable<SipAccountCredentials> accounts, IEnumerable<DialplanSourceRecord> dialplans,
        IEnumerable<DirectoryProvider> providers, long generation) =>
        new(ownerId, [.. accounts],
            dialplans.ToDictionary(d => d.Name, StringComparer.Ordinal),
            providers.ToDictionary(p => p.Name, StringComparer.Ordinal),
            generation);

    private static IQueryable<SipAccountCredentials> Credentials(IQueryable<Data.Entities.SipAccount> accounts) =>
        accounts.Select(a => new SipAccountCredentials(a.Id, a.Username, a.OwnerId, a.Owner!.UserName!, a.Realm, a.Ha1Md5, a.Ha1Sha256,
            a.IsDisabled, a.Owner.IsSuspended, a.IsIncomingOnly, a.OutDialplanName, a.InDialplanName, a.Owner.MaxConcurrentCalls,
            a.CallersMayTransfer, a.Owner.MaxCallsPerHour, a.Owner.MaxCallsPerDay));

    private static IQueryable<DirectoryProvider> Providers(IQueryable<Data.Entities.SipProvider> providers) =>
        providers.Select(p => new DirectoryProvider(p.OwnerId, p.Name, p.ServerUri, p.AuthUsername, p.PasswordProtected, p.FromUser, p.FromHost,
            p.ContactToken == null ? null : new IncomingProvider(p.Name, p.ContactToken, p.OwnerId, p.Owner!.UserName!, p.InDialplanName, p.Register,
                p.Owner.IsSuspended, p.Owner.MaxConcurrentCalls, p.Owner.MaxCallsPerHour, p.Owner.MaxCallsPerDay)));
}

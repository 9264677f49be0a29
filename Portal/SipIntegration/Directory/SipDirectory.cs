using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Auth;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls;
using Portal.Sip.Messages;

namespace Portal.SipIntegration.Directory;

/// <summary>
/// The SIP service's in-memory directory of accounts (with their digest HA1s), dialplans and providers (by owner
/// and name, and by registration contact token for calls coming in from them) (DESIGN
/// §10: unauthenticated traffic is cheap), in the manner of Kamailio's usrloc: read whole at start, then changed
/// when the database does. A save in this process marks its owner stale at once (through
/// <see cref="SipDirectoryInterceptor"/>), so lookups for that owner read the database until a background reload
/// has caught up; an edited dialplan still takes effect for the next call. Saves on another node of a cluster arrive
/// the same way through Redis (<c>Portal/Cluster/SharedDirectoryChanges</c>); changes made by other processes (the
/// admin commands while the server runs) arrive with the periodic full refresh.
/// </summary>
public sealed partial class SipDirectory : ISipAccountDirectory, IDialplanSource, IProviderDirectory, IDisposable
{
    private readonly SipDirectoryLoader loader;
    private readonly ProviderService providerPasswords;
    private readonly SipDirectoryChanges changes;
    private readonly ILogger<SipDirectory> logger;

    private readonly ConcurrentDictionary<string, SipAccountCredentials> accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DirectoryOwner> owners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IncomingProvider> providersByToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> staleOwners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string OwnerId, long Generation)> staleAccounts = new(StringComparer.Ordinal);
    private readonly Channel<string> reloads = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock applying = new();
    private long generation;
    private volatile bool loaded;

    public SipDirectory(IDbContextFactory<PortalDbContext> dbFactory, ProviderService providerPasswords, SipDirectoryChanges changes,
        ILogger<SipDirectory> logger)
    {
        loader = new SipDirectoryLoader(dbFactory);
        this.providerPasswords = providerPasswords;
        this.changes = changes;
        this.logger = logger;
        changes.Changed += OnChanged;
    }

    /// <summary>Whether the whole directory has been read once; until then every lookup reads the database.</summary>
    public bool IsLoaded => loaded;

    public int AccountCount => accounts.Count;

    /// <summary>Owners changed since their part was last read; their lookups go to the database meanwhile.</summary>
    internal int StaleOwnerCount => staleOwners.Count;

    public async ValueTask<SipAccountCredentials?> FindAsync(string username, CancellationToken cancellationToken = default)
    {
        if (loaded && !staleAccounts.ContainsKey(username))
        {
            if (!accounts.TryGetValue(username, out var account))
            {
                return null;
            }

            if (!staleOwners.ContainsKey(account.OwnerId))
            {
                return account;
            }
        }

        return await loader.FindAccountAsync(username, cancellationToken);
    }

    async ValueTask<DialplanSourceRecord?> IDialplanSource.GetAsync(string ownerId, string name, CancellationToken cancellationToken) =>
        (await OwnerAsync(ownerId, cancellationToken))?.Dialplans.GetValueOrDefault(name);

    async ValueTask<IReadOnlyList<string>> IProviderDirectory.ListNamesAsync(string ownerId, CancellationToken cancellationToken) =>
        (await OwnerAsync(ownerId, cancellationToken))?.ProviderNames ?? [];

    async ValueTask<ProviderDialInfo?> IProviderDirectory.FindAsync(string ownerId, string name, CancellationToken cancellationToken)
    {
        var provider = (await OwnerAsync(ownerId, cancellationToken))?.Providers.GetValueOrDefault(name);
        return provider is not null && SipUri.TryParse(provider.ServerUri, out var server)
            ? new ProviderDialInfo(provider.Name, server, provider.AuthUsername, providerPasswords.UnprotectPassword(provider.PasswordProtected),
                provider.FromUser, provider.FromHost)
            : null;
    }

    async ValueTask<IncomingProvider?> IProviderDirectory.FindByContactTokenAsync(string contactToken, CancellationToken cancellationToken)
    {
        if (!providersByToken.TryGetValue(contactToken, out var provider))
        {
            // Not in memory: an unknown token costs no database read. A provider created since the last read is
            // not registered with yet, so no call can be addressed to its token before its owner is read again.
            return null;
        }

        if (loaded && !staleOwners.ContainsKey(provider.OwnerId))
        {
            return provider;
        }

        var owner = await loader.LoadOwnerAsync(provider.OwnerId, Interlocked.Read(ref generation), cancellationToken);
        return owner.Providers.Values.Select(p => p.Incoming).FirstOrDefault(p => p?.ContactToken == contactToken);
    }

    /// <summary>Reads everything; owners changed while it read stay stale until their own reload.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var snapshot = Interlocked.Read(ref generation);
        var all = await loader.LoadAllAsync(snapshot, cancellationToken);
        lock (applying)
        {
            var present = all.Select(o => o.OwnerId).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in owners.Where(o => !present.Contains(o.Key) && o.Value.Accounts.Count + o.Value.Dialplans.Count + o.Value.Providers.Count > 0)
                .Select(o => o.Key).ToList())
            {
                Apply(new DirectoryOwner(gone, [], new Dictionary<string, DialplanSourceRecord>(), new Dictionary<string, DirectoryProvider>(), snapshot));
            }

            foreach (var owner in all)
            {
                Apply(owner);
            }
        }

        loaded = true;
        LogLoaded(logger, accounts.Count, owners.Count);
    }

    /// <summary>Reloads owners as they change, and everything every <paramref name="refresh"/>, until cancelled.</summary>
    public async Task RunAsync(TimeSpan refresh, TimeProvider time, CancellationToken cancellationToken)
    {
        var nextRefresh = time.GetUtcNow() + refresh;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var wait = nextRefresh - time.GetUtcNow();
                using var refreshDue = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, refreshDue.Token);
                try
                {
                    var ownerId = await reloads.Reader.ReadAsync(either.Token);
                    if (staleOwners.ContainsKey(ownerId))
                    {
                        var snapshot = Interlocked.Read(ref generation);
                        var owner = await loader.LoadOwnerAsync(ownerId, snapshot, cancellationToken);
                        lock (applying)
                        {
                            Apply(owner);
                        }
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await LoadAsync(cancellationToken);
                    nextRefresh = time.GetUtcNow() + refresh;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Lookups of stale owners keep reading the database meanwhile; try again at the next change or refresh.
                LogReloadFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }

    public void Dispose() => changes.Changed -= OnChanged;

    private void OnChanged(SipDirectoryChange change)
    {
        var marked = Interlocked.Increment(ref generation);
        foreach (var (username, ownerId) in change.Accounts)
        {
            staleAccounts[username] = (ownerId, marked);
        }

        foreach (var ownerId in change.Owners)
        {
            staleOwners[ownerId] = marked;
            reloads.Writer.TryWrite(ownerId);
        }
    }

    private async ValueTask<DirectoryOwner?> OwnerAsync(string ownerId, CancellationToken cancellationToken)
    {
        if (loaded && !staleOwners.ContainsKey(ownerId))
        {
            return owners.GetValueOrDefault(ownerId);
        }

        return await loader.LoadOwnerAsync(ownerId, Interlocked.Read(ref generation), cancellationToken);
    }

    /// <summary>Installs an owner's part read at <see cref="DirectoryOwner.Generation"/>, unless something newer is in place.</summary>
    private void Apply(DirectoryOwner owner)
    {
        if (owners.TryGetValue(owner.OwnerId, out var current))
        {
            if (current.Generation > owner.Generation)
            {
                return;
            }

            foreach (var old in current.Accounts)
            {
                accounts.TryRemove(new KeyValuePair<string, SipAccountCredentials>(old.Username, old));
            }

            foreach (var old in current.Providers.Values)
            {
                if (old.Incoming is { } incoming)
                {
                    providersByToken.TryRemove(new KeyValuePair<string, IncomingProvider>(incoming.ContactToken, incoming));
                }
            }
        }

        foreach (var account in owner.Accounts)
        {
            accounts[account.Username] = account;
        }

        foreach (var provider in owner.Providers.Values)
        {
            if (provider.Incoming is { } incoming)
            {
                providersByToken[incoming.ContactToken] = incoming;
            }
        }

        // An owner left with nothing stays as an empty entry: its generation keeps an older read from bringing it back.
        owners[owner.OwnerId] = owner;

        if (staleOwners.TryGetValue(owner.OwnerId, out var marked) && marked <= owner.Generation)
        {
            staleOwners.TryRemove(new KeyValuePair<string, long>(owner.OwnerId, marked));
        }

        foreach (var (username, stale) in staleAccounts)
        {
            if (stale.OwnerId == owner.OwnerId && stale.Generation <= owner.Generation)
            {
                staleAccounts.TryRemove(new KeyValuePair<string, (string, long)>(username, stale));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SIP directory loaded: {Accounts} accounts of {Owners} owners")]
    private static partial void LogLoaded(ILogger logger, int accounts, int owners);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the SIP directory failed; stale owners are read from the database meanwhile")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}

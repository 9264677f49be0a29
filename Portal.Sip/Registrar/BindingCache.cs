using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Portal.Sip.Storage;

namespace Portal.Sip.Registrar;

/// <summary>
/// The registrations in memory, in front of the store that keeps them across restarts (DESIGN §10: no database
/// work per request). An account's bindings are read from the store once, the first time they are needed;
/// after that, REGISTERs and calls to <c>local</c> read and change them here, and the changes are written behind
/// in batches, only each account's latest bindings (<see cref="WriteBehindQueue{T}"/>).
/// <para>A crash loses the changes not yet written (normally the last few milliseconds); a phone that registered
/// in that window is back at its next refresh. A clean stop writes them all.</para>
/// </summary>
public sealed class BindingCache : ISipBindingStore, IAsyncDisposable
{
    private readonly ISipBindingStore _store;
    private readonly ConcurrentDictionary<int, IReadOnlyList<SipBindingRecord>> _byAccount = new();
    private readonly WriteBehindQueue<BindingChange> _queue;

    /// <summary>
    /// Raised with an account id once its changed bindings are in the store (written, or expired and deleted), so
    /// views that read the store see the change.
    /// </summary>
    public event Action<int>? Stored;

    public BindingCache(ISipBindingStore store, ILogger<BindingCache> logger)
    {
        _store = store;
        _queue = new WriteBehindQueue<BindingChange>("registrations", WriteAsync, logger);
    }

    public Task<IReadOnlyList<SipBindingRecord>> ListAsync(int accountId, CancellationToken cancellationToken = default) =>
        _byAccount.TryGetValue(accountId, out var bindings) ? Task.FromResult(bindings) : LoadAsync(accountId, cancellationToken);

    /// <summary>
    /// Every unexpired binding: the store's, after the changes queued so far, with the accounts read since the
    /// start taken from memory (the NAT keep-alives, every few seconds, not per request).
    /// </summary>
    public async Task<IReadOnlyList<(int AccountId, SipBindingRecord Binding)>> ListUnexpiredAsync(DateTime now, CancellationToken cancellationToken = default)
    {
        await _queue.FlushAsync();
        var stored = await _store.ListUnexpiredAsync(now, cancellationToken);
        var cached = _byAccount.ToArray();
        var inMemory = cached.Select(c => c.Key).ToHashSet();
        var all = stored.Where(b => !inMemory.Contains(b.AccountId)).ToList();
        foreach (var (accountId, bindings) in cached)
        {
            all.AddRange(bindings.Where(b => b.ExpiresAt > now).Select(b => (accountId, b)));
        }

        return all;
    }

    public Task ReplaceAsync(int accountId, IReadOnlyList<SipBindingRecord> bindings, CancellationToken cancellationToken = default)
    {
        _byAccount[accountId] = bindings;
        return _queue.Add(new BindingChange(accountId, bindings))
            ? Task.CompletedTask
            : Task.FromException(new ObjectDisposedException(nameof(BindingCache)));
    }

    /// <summary>
    /// Drops expired bindings here and in the store (which may hold accounts not read since the start); returns the
    /// accounts that had any.
    /// </summary>
    public async Task<IReadOnlyList<int>> RemoveExpiredAsync(DateTime now, CancellationToken cancellationToken = default)
    {
        var changed = new HashSet<int>();
        foreach (var (accountId, bindings) in _byAccount)
        {
            if (bindings.Any(b => b.ExpiresAt <= now))
            {
                // Only this sweep removes; a REGISTER that replaced the list meanwhile wins.
                _byAccount.TryUpdate(accountId, [.. bindings.Where(b => b.ExpiresAt > now)], bindings);
                changed.Add(accountId);
            }
        }

        // After the queued changes, so an expired binding written late is not left behind.
        await _queue.FlushAsync();
        changed.UnionWith(await _store.RemoveExpiredAsync(now, cancellationToken));
        foreach (var accountId in changed)
        {
            Stored?.Invoke(accountId);
        }

        return [.. changed];
    }

    /// <summary>Forgets an account's bindings, so the next read goes to the store (another node changed them).</summary>
    public void Forget(int accountId) => _byAccount.TryRemove(accountId, out _);

    /// <summary>Completes once every change so far is in the store.</summary>
    public Task FlushAsync() => _queue.FlushAsync();

    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    private async Task<IReadOnlyList<SipBindingRecord>> LoadAsync(int accountId, CancellationToken cancellationToken)
    {
        var stored = await _store.ListAsync(accountId, cancellationToken);

        // A REGISTER that came in while this read ran is newer than what was read.
        return _byAccount.GetOrAdd(accountId, stored);
    }

    private async Task WriteAsync(IReadOnlyList<BindingChange> batch)
    {
        // Only the latest bindings of each account matter.
        var latest = new Dictionary<int, IReadOnlyList<SipBindingRecord>>();
        foreach (var change in batch)
        {
            latest[change.AccountId] = change.Bindings;
        }

        await _store.ReplaceManyAsync(latest);
        foreach (var accountId in latest.Keys)
        {
            Stored?.Invoke(accountId);
        }
    }

    private readonly record struct BindingChange(int AccountId, IReadOnlyList<SipBindingRecord> Bindings);
}

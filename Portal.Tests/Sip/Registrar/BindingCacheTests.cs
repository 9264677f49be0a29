using Microsoft.Extensions.Logging.Abstractions;
using Portal.Sip.Registrar;

namespace Portal.Tests.Sip.Registrar;

public sealed class BindingCacheTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task AnAccountsBindings_AreReadFromTheStoreOnce_ThenServedFromMemory()
    {
        var store = new CountingStore();
        store.Bindings[1] = [Binding("sip:a@192.0.2.1", Now.AddHours(1))];
        await using var cache = new BindingCache(store, NullLogger<BindingCache>.Instance);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("sip:a@192.0.2.1", Assert.Single(await cache.ListAsync(1)).ContactUri);
        }

        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task Changes_AreSeenAtOnce_AndReachTheStore_OnlyTheLatestPerAccount()
    {
        var store = new CountingStore();
        await using var cache = new BindingCache(store, NullLogger<BindingCache>.Instance);
        var stored = new List<int>();
        cache.Stored += id =>
        {
            lock (stored)
            {
                stored.Add(id);
            }
        };

        await cache.ReplaceAsync(1, [Binding("sip:first@192.0.2.1", Now.AddHours(1))]);
        await cache.ReplaceAsync(1, [Binding("sip:second@192.0.2.1", Now.AddHours(1))]);
        Assert.Equal("sip:second@192.0.2.1", Assert.Single(await cache.ListAsync(1)).ContactUri);

        await cache.FlushAsync();
        Assert.Equal("sip:second@192.0.2.1", Assert.Single(store.Bindings[1]).ContactUri);
        Assert.Contains(1, stored);
        Assert.Equal(0, store.Reads);
    }

    [Fact]
    public async Task Expiry_RemovesBindingsInMemoryAndInTheStore_EvenOfAccountsNotReadSinceTheStart()
    {
        var store = new CountingStore();
        store.Bindings[2] = [Binding("sip:old@192.0.2.2", Now.AddMinutes(-1))];
        await using var cache = new BindingCache(store, NullLogger<BindingCache>.Instance);
        await cache.ReplaceAsync(1, [Binding("sip:gone@192.0.2.1", Now.AddMinutes(-1)), Binding("sip:kept@192.0.2.1", Now.AddHours(1))]);

        var changed = await cache.RemoveExpiredAsync(Now);

        Assert.Equal([1, 2], changed.Order());
        Assert.Equal("sip:kept@192.0.2.1", Assert.Single(await cache.ListAsync(1)).ContactUri);
        Assert.Equal("sip:kept@192.0.2.1", Assert.Single(store.Bindings[1]).ContactUri);
        Assert.Empty(store.Bindings[2]);
    }

    [Fact]
    public async Task EveryUnexpiredBinding_ComesFromMemoryWhereKnown_AndFromTheStoreElsewhere()
    {
        var store = new CountingStore();
        store.Bindings[1] = [Binding("sip:stale@192.0.2.1", Now.AddHours(1))];
        store.Bindings[2] = [Binding("sip:b@192.0.2.2", Now.AddHours(1)), Binding("sip:old@192.0.2.2", Now.AddMinutes(-1))];
        await using var cache = new BindingCache(store, NullLogger<BindingCache>.Instance);
        await cache.ListAsync(1);
        await cache.ReplaceAsync(1, [Binding("sip:fresh@192.0.2.1", Now.AddHours(1))]);

        var all = await cache.ListUnexpiredAsync(Now);

        Assert.Equal(["1 sip:fresh@192.0.2.1", "2 sip:b@192.0.2.2"], all.Select(b => $"{b.AccountId} {b.Binding.ContactUri}").Order());
    }

    [Fact]
    public async Task Stopping_WritesWhatIsQueued_AndRefusesChangesAfter()
    {
        var store = new CountingStore();
        var cache = new BindingCache(store, NullLogger<BindingCache>.Instance);
        await cache.ReplaceAsync(3, [Binding("sip:c@192.0.2.3", Now.AddHours(1))]);

        await cache.DisposeAsync();

        Assert.Single(store.Bindings[3]);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.ReplaceAsync(3, []));
    }

    private static SipBindingRecord Binding(string contact, DateTime expires) =>
        new(contact, "udp:127.0.0.1:5062", "test", expires, "call-id", 1);

    private sealed class CountingStore : ISipBindingStore
    {
        private readonly InMemoryBindingStore inner = new();
        private int reads;

        public Dictionary<int, List<SipBindingRecord>> Bindings => inner.Bindings;

        public int Reads => Volatile.Read(ref reads);

        public Task<IReadOnlyList<SipBindingRecord>> ListAsync(int accountId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref reads);
            return inner.ListAsync(accountId, cancellationToken);
        }

        public Task<IReadOnlyList<(int AccountId, SipBindingRecord Binding)>> ListUnexpiredAsync(DateTime now, CancellationToken cancellationToken = default) =>
            inner.ListUnexpiredAsync(now, cancellationToken);

        public Task ReplaceAsync(int accountId, IReadOnlyList<SipBindingRecord> bindings, CancellationToken cancellationToken = default)
        {
            lock (inner)
            {
                return inner.ReplaceAsync(accountId, bindings, cancellationToken);
            }
        }

        public Task<IReadOnlyList<int>> RemoveExpiredAsync(DateTime now, CancellationToken cancellationToken = default)
        {
            lock (inner)
            {
                return inner.RemoveExpiredAsync(now, cancellationToken);
            }
        }
    }
}

using Portal.Sip.Registrar;

namespace Portal.Tests.Sip.Registrar;

internal sealed class InMemoryBindingStore : ISipBindingStore
{
    public Dictionary<int, List<SipBindingRecord>> Bindings { get; } = [];

    public Task<IReadOnlyList<SipBindingRecord>> ListAsync(int accountId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SipBindingRecord>>(Bindings.GetValueOrDefault(accountId)?.ToList() ?? []);

    public Task<IReadOnlyList<(int AccountId, SipBindingRecord Binding)>> ListUnexpiredAsync(DateTime now, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<(int, SipBindingRecord)>>([.. Bindings.SelectMany(a => a.Value.Where(b => b.ExpiresAt > now).Select(b => (a.Key, b)))]);

    public Task ReplaceAsync(int accountId, IReadOnlyList<SipBindingRecord> bindings, CancellationToken cancellationToken = default)
    {
        Bindings[accountId] = bindings.ToList();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<int>> RemoveExpiredAsync(DateTime now, CancellationToken cancellationToken = default)
    {
        var changed = new List<int>();
        foreach (var (account, list) in Bindings)
        {
            if (list.RemoveAll(b => b.ExpiresAt <= now) > 0)
            {
                changed.Add(account);
            }
        }

        return Task.FromResult<IReadOnlyList<int>>(changed);
    }
}

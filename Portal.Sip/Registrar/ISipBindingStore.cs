namespace Portal.Sip.Registrar;

/// <summary>Where bindings live so they survive a restart; the portal implements it on its database.</summary>
public interface ISipBindingStore
{
    /// <summary>All stored bindings of the account, expired or not.</summary>
    Task<IReadOnlyList<SipBindingRecord>> ListAsync(int accountId, CancellationToken cancellationToken = default);

    /// <summary>Every unexpired binding of every account, for the NAT keep-alives.</summary>
    Task<IReadOnlyList<(int AccountId, SipBindingRecord Binding)>> ListUnexpiredAsync(DateTime now, CancellationToken cancellationToken = default);

    /// <summary>Replaces the account's bindings with <paramref name="bindings"/> in one transaction.</summary>
    Task ReplaceAsync(int accountId, IReadOnlyList<SipBindingRecord> bindings, CancellationToken cancellationToken = default);

    /// <summary>Replaces the bindings of several accounts, in one transaction where the store can.</summary>
    async Task ReplaceManyAsync(IReadOnlyDictionary<int, IReadOnlyList<SipBindingRecord>> bindings, CancellationToken cancellationToken = default)
    {
        foreach (var (accountId, records) in bindings)
        {
            await ReplaceAsync(accountId, records, cancellationToken);
        }
    }

    /// <summary>Deletes bindings that expired before <paramref name="now"/>; returns the accounts that had any.</summary>
    Task<IReadOnlyList<int>> RemoveExpiredAsync(DateTime now, CancellationToken cancellationToken = default);
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

using Portal.Sip.Messages;

namespace Portal.Sip.Transactions;

/// <summary>
/// The server transactions in progress: by <see cref="TransactionKey"/> (§17.2.3), and those created by a
/// request without a To tag also by From tag, Call-ID and CSeq, to spot merged requests (§8.2.2.2).
/// </summary>
internal sealed class ServerTransactionTable
{
    private readonly ConcurrentDictionary<TransactionKey, ServerTransaction> _byKey = new();
    private readonly ConcurrentDictionary<MergedRequestKey, ServerTransaction> _byRequest = new();

    public int Count => _byKey.Count;

    public int MergeIndexCount => _byRequest.Count;

    public bool TryGet(TransactionKey key, [NotNullWhen(true)] out ServerTransaction? transaction) =>
        _byKey.TryGetValue(key, out transaction);

    /// <summary>Adds a new transaction; when its key is taken (a retransmission raced it) gives the one there.</summary>
    public bool TryAdd(ServerTransaction transaction, [NotNullWhen(false)] out ServerTransaction? existing)
    {
        if (!_byKey.TryAdd(transaction.Key, transaction))
        {
            if (_byKey.TryGetValue(transaction.Key, out existing))
            {
                return false;
            }

            return TryAdd(transaction, out existing);
        }

        existing = null;
        if (MergedRequestKey.For(transaction.Request) is { } merge)
        {
            _byRequest.TryAdd(merge, transaction);
        }

        return true;
    }

    /// <summary>
    /// A transaction in progress created by the same request (From tag, Call-ID, CSeq) without a To tag, but under
    /// another key: the request has reached this UAS twice by different paths (§8.2.2.2).
    /// </summary>
    public ServerTransaction? FindMerged(SipRequest request, TransactionKey key) =>
        MergedRequestKey.For(request) is { } merge && _byRequest.TryGetValue(merge, out ServerTransaction? other) && other.Key != key
            ? other
            : null;

    /// <summary>
    /// The transaction a CANCEL cancels (§9.2): the INVITE with the CANCEL's branch and sent-by, else any other
    /// request's (a CANCEL of a non-INVITE is answered 200 but has no effect).
    /// </summary>
    public ServerTransaction? FindCancelled(SipRequest cancel)
    {
        if (TransactionKey.ForCancelled(cancel, SipMethod.Invite) is not { } inviteKey)
        {
            return null;
        }

        if (_byKey.TryGetValue(inviteKey, out ServerTransaction? invite))
        {
            return invite;
        }

        foreach (ServerTransaction candidate in _byKey.Values)
        {
            SipMethod method = candidate.Request.Method;
            if (method != SipMethod.Cancel && method != SipMethod.Invite
                && TransactionKey.ForCancelled(cancel, method) == candidate.Key)
            {
                return candidate;
            }
        }

        return null;
    }

    public void Remove(ServerTransaction transaction)
    {
        _byKey.TryRemove(new KeyValuePair<TransactionKey, ServerTransaction>(transaction.Key, transaction));
        if (MergedRequestKey.For(transaction.Request) is { } merge)
        {
            _byRequest.TryRemove(new KeyValuePair<MergedRequestKey, ServerTransaction>(merge, transaction));
        }
    }
}

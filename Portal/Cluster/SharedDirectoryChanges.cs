using Portal.SipIntegration.Directory;

namespace Portal.Cluster;

/// <summary>
/// Carries the SIP directory's changes between nodes (DESIGN §11): what a save on this node changed (owners, SIP user
/// names) goes to the others, which mark the same owners stale and reload them, exactly as after a save of their own.
/// A change lost while Redis is away is caught up by the periodic full refresh (<c>Sip:DirectoryRefreshSeconds</c>).
/// </summary>
public sealed class SharedDirectoryChanges(ClusterBus bus, SipDirectoryChanges changes) : IHostedService
{
    public const string Topic = "sip-directory";

    private IAsyncDisposable? subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = await bus.SubscribeAsync<Message>(Topic, message => changes.PublishFromPeer(message.ToChange()));
        changes.SavedHere += Send;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        changes.SavedHere -= Send;
        if (Interlocked.Exchange(ref subscription, null) is { } running)
        {
            await running.DisposeAsync();
        }
    }

    private void Send(SipDirectoryChange change) =>
        bus.Publish(Topic, new Message([.. change.Owners], [.. change.Accounts.Select(a => new Account(a.Username, a.OwnerId))]));

    /// <summary>A <see cref="SipDirectoryChange"/> as JSON carries it (tuples do not serialize).</summary>
    private sealed record Message(string[] Owners, Account[] Accounts)
    {
        public SipDirectoryChange ToChange() =>
            new(Owners.ToHashSet(StringComparer.Ordinal), [.. Accounts.Select(a => (a.Username, a.OwnerId))]);
    }

    private sealed record Account(string Username, string OwnerId);
}

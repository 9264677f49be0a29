using Portal.Sip.Registrar;
using Portal.SipIntegration;

namespace Portal.Cluster;

/// <summary>
/// Makes a registration on one node usable by every node (DESIGN §11). Bindings stay where they always were: in each
/// node's <see cref="BindingCache"/>, written behind to the shared database. Once a node has written an account's
/// changed bindings, it tells the others, which forget their copy of that account, so their next call to the phone
/// reads the database and finds the new binding (with its Path, RFC 3327, and the address it registered from), and
/// an unregistered phone is no longer rung. Lost messages (Redis away) leave a node's copy stale until the binding
/// expires. Each node writes an account's whole list, so two nodes registering phones of one account within the same
/// few milliseconds can lose one binding until that phone's next refresh: the dispatcher in front should send one
/// account's REGISTERs to one node (hashing on the To user), which also keeps TCP phones on their connection's node.
/// </summary>
public sealed class SharedRegistrations(ClusterBus bus, SipRegistrationEvents registrationEvents)
{
    public const string Topic = "sip-bindings";

    /// <summary>Passes on what <paramref name="bindings"/> stores, and makes it forget what other nodes store, until disposed.</summary>
    public async Task<IAsyncDisposable> AttachAsync(BindingCache bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        var subscription = await bus.SubscribeAsync<int>(Topic, accountId => _ = ForgetAsync(bindings, accountId));
        Action<int> send = accountId => bus.Publish(Topic, accountId);
        bindings.Stored += send;
        return new Attachment(bindings, send, subscription);
    }

    private async Task ForgetAsync(BindingCache bindings, int accountId)
    {
        // This node's own changes not yet written would be lost to its next read of the database: write them first.
        try
        {
            await bindings.FlushAsync();
        }
        finally
        {
            bindings.Forget(accountId);
            // The Registrations views on this node read the database: they show the other node's change now.
            registrationEvents.Publish(accountId);
        }
    }

    private sealed class Attachment(BindingCache bindings, Action<int> send, IAsyncDisposable subscription) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            bindings.Stored -= send;
            await subscription.DisposeAsync();
        }
    }
}

namespace Portal.SipIntegration;

/// <summary>
/// Fan-out of "the item with this id changed" from the SIP service to live portal views. Subscribers get an
/// <see cref="IDisposable"/> and must dispose it (components do in Dispose).
/// </summary>
public abstract class ChangeEvents
{
    private readonly Lock gate = new();
    private ImmutableSubscribers subscribers = new([]);

    public IDisposable Subscribe(Action<int> onChanged)
    {
        lock (gate)
        {
            subscribers = new ImmutableSubscribers([.. subscribers.Handlers, onChanged]);
        }

        return new Subscription(this, onChanged);
    }

    public void Publish(int accountId)
    {
        foreach (var handler in subscribers.Handlers)
        {
            handler(accountId);
        }
    }

    private void Unsubscribe(Action<int> handler)
    {
        lock (gate)
        {
            subscribers = new ImmutableSubscribers(subscribers.Handlers.Where(h => h != handler).ToArray());
        }
    }

    private sealed record ImmutableSubscribers(Action<int>[] Handlers);

    private sealed class Subscription(ChangeEvents owner, Action<int> handler) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(handler);
    }
}

/// <summary>A SIP account's registrations changed (added, refreshed, removed, expired); the id is the account's.</summary>
public sealed class SipRegistrationEvents : ChangeEvents;

/// <summary>A provider's outbound registration status changed; the id is the provider's.</summary>
public sealed class ProviderStatusEvents : ChangeEvents;

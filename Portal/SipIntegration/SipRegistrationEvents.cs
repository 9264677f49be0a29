namespace Portal.SipIntegration;

/// <summary>
/// Fan-out of "this account's registrations changed" from the registrar to live portal views. Subscribers get
/// an <see cref="IDisposable"/> and must dispose it (components do in Dispose).
/// </summary>
public sealed class SipRegistrationEvents
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

    private sealed class Subscription(SipRegistrationEvents owner, Action<int> handler) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(handler);
    }
}

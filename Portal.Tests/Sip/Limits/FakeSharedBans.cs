using Portal.Sip.Limits;

namespace Portal.Tests.Sip.Limits;

/// <summary>
/// The other nodes of a cluster, in memory: it records what this node announces and counts, adds failures up with
/// what the test says the others saw, and delivers their bans when the test says so.
/// </summary>
public sealed class FakeSharedBans : ISharedBans
{
    private readonly Dictionary<string, int> counts = [];
    private readonly List<Action<SipBan>> subscribers = [];

    public List<SipBan> Announced { get; } = [];

    /// <summary>Failures the other nodes already counted under <paramref name="key"/>.</summary>
    public void SeenElsewhere(string key, int failures) => counts[key] = counts.GetValueOrDefault(key) + failures;

    /// <summary>A ban another node announces.</summary>
    public void Deliver(SipBan ban) => subscribers.ForEach(s => s(ban));

    public void Announce(SipBan ban) => Announced.Add(ban);

    public void CountFailure(string key, TimeSpan window, int limit, Action reached)
    {
        counts[key] = counts.GetValueOrDefault(key) + 1;
        if (counts[key] == limit)
        {
            reached();
        }
    }

    public IDisposable Subscribe(Action<SipBan> banned)
    {
        subscribers.Add(banned);
        return new Unsubscribe(() => subscribers.Remove(banned));
    }

    private sealed class Unsubscribe(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}

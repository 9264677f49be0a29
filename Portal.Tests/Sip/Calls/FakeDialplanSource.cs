using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls;

namespace Portal.Tests.Sip.Calls;

internal sealed class FakeDialplanSource : IDialplanSource
{
    public Dictionary<(string Owner, string Name), DialplanSourceRecord> Dialplans { get; } = [];

    public int Reads { get; private set; }

    public void Set(string owner, string name, string source)
    {
        var version = Dialplans.TryGetValue((owner, name), out var existing) ? existing.Version + 1 : 1;
        Dialplans[(owner, name)] = new DialplanSourceRecord(name, source, version);
    }

    public ValueTask<DialplanSourceRecord?> GetAsync(string ownerId, string name, CancellationToken cancellationToken = default)
    {
        Reads++;
        return ValueTask.FromResult(Dialplans.GetValueOrDefault((ownerId, name)));
    }
}

using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls;

namespace Portal.Tests.Sip.Calls;

internal sealed class FakeProviderDirectory : IProviderDirectory
{
    public List<string> Names { get; } = [];

    public Dictionary<string, ProviderDialInfo> Providers { get; } = [];

    public ValueTask<ProviderDialInfo?> FindAsync(string ownerId, string name, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Providers.GetValueOrDefault(name));

    public Dictionary<string, IncomingProvider> ByToken { get; } = new(StringComparer.Ordinal);

    public ValueTask<IncomingProvider?> FindByContactTokenAsync(string contactToken, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ByToken.GetValueOrDefault(contactToken));

    public ValueTask<IReadOnlyList<string>> ListNamesAsync(string ownerId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. Names, .. Providers.Keys]);
}

using Portal.Sip.Calls;

namespace Portal.Tests.Sip.Calls;

internal sealed class FakeProviderDirectory : IProviderDirectory
{
    public List<string> Names { get; } = [];

    public ValueTask<IReadOnlyList<string>> ListNamesAsync(string ownerId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. Names]);
}

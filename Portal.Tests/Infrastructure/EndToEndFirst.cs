using Xunit;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Portal.Tests.Infrastructure.EndToEndFirst", "Portal.Tests")]

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Starts the end-to-end collection first. It runs its tests one at a time and is the suite's longest stretch; started
/// first, it runs beside everything else instead of after whatever the default order put ahead of it.
/// </summary>
public sealed class EndToEndFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName == EndToEndCollection.Name ? 0 : 1)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}

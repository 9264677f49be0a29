using Xunit;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Portal.Tests.Infrastructure.EndToEndFirst", "Portal.Tests")]

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Starts the end-to-end collection first and the proxies-and-clusters one last. Each runs its tests one at a time and
/// they are the suite's longest stretches: this way one runner thread works through the first while the other does
/// the in-process tests and then the second, instead of both end-to-end runs coming after everything else.
/// </summary>
public sealed class EndToEndFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName switch
            {
                EndToEndCollection.Name => 0,
                EndToEndCollection.ProxiesAndClusters => 2,
                _ => 1,
            })
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}

using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Hotline.Tests.Infrastructure.LongestFirst", "Hotline.Tests")]

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// Starts the multi-node collection first, then the rest in xUnit's usual order. The cluster tests take minutes
/// each, one after the other; begun last they would run on alone at the end of the suite while the other core idles.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName == Nodes.ClusterTests.Name ? 0 : 1)
            .ThenBy(c => c.UniqueID);
}

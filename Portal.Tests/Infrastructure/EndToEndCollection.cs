namespace Portal.Tests.Infrastructure;

/// <summary>
/// End-to-end tests run one at a time within a collection: real peers (sipp, baresip, Chromium) and the app compete
/// for the same two cores, and SIP timers are real there. They fall into two collections so the suite's longest
/// stretch is split over the runner's two threads: the service on its own (<see cref="Name"/>, started first) and
/// the set-ups with Kamailio, Linphone or several nodes (<see cref="ProxiesAndClusters"/>, started last); each runs
/// beside the in-process tests (<see cref="EndToEndFirst"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection
{
    public const string Name = "End-to-end";

    public const string ProxiesAndClusters = "End-to-end: proxies and clusters";
}

/// <summary>The second end-to-end collection (<see cref="EndToEndCollection.ProxiesAndClusters"/>).</summary>
[CollectionDefinition(EndToEndCollection.ProxiesAndClusters)]
public sealed class ProxiesAndClustersCollection;

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

    /// <summary>
    /// Tests that count what <c>/metrics</c> shows. OpenTelemetry collects every meter of a name in the process, so
    /// another test host's calls would be counted too: these run alone, after everything else.
    /// </summary>
    public const string ProcessWideMetrics = "Process-wide metrics";
}

/// <summary>The tests that must see only their own host's metrics (<see cref="EndToEndCollection.ProcessWideMetrics"/>).</summary>
[CollectionDefinition(EndToEndCollection.ProcessWideMetrics, DisableParallelization = true)]
public sealed class ProcessWideMetricsCollection;

/// <summary>The second end-to-end collection (<see cref="EndToEndCollection.ProxiesAndClusters"/>).</summary>
[CollectionDefinition(EndToEndCollection.ProxiesAndClusters)]
public sealed class ProxiesAndClustersCollection;

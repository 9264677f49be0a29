namespace Portal.Tests.Infrastructure;

/// <summary>
/// End-to-end tests share one collection, so they run one at a time: real peers (sipp, baresip, Chromium) and the
/// app compete for the same two cores, and SIP timers are real there. The collection still runs beside the
/// in-process tests (one runner thread each), which keeps the serial end-to-end run the suite's critical path
/// from starting only after everything else has finished.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection
{
    public const string Name = "End-to-end";
}

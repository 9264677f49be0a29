namespace Portal.Tests.Infrastructure;

/// <summary>
/// End-to-end tests share one collection that runs alone: real peers (sipp, baresip, Chromium) and the app
/// compete for the same two cores, and SIP timers are real there, so parallel runs only add flakiness.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "End-to-end";
}

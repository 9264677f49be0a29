using Portal.Sip.Calls.Records;

namespace Portal.Cluster;

/// <summary>A call event as one node publishes it to the others (<see cref="ClusterKeys.CallEvents"/>).</summary>
public sealed record ClusterCallEvent(string Node, CallEvent Event);

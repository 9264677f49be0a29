namespace Portal.Cluster;

/// <summary>How a forwarded call control request went.</summary>
public enum CallControlOutcome
{
    Done,

    /// <summary>No such call (or transfer) for this user, on any live node.</summary>
    NotFound,

    /// <summary>The owner refused it as it would a local request (<see cref="CallControlReply.Problem"/> says why).</summary>
    Refused,

    /// <summary>The node that holds the call is gone, or did not answer in time; Redis may be unreachable.</summary>
    Unavailable,
}

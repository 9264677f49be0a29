using Portal.Sip.Calls.Transfers;

namespace Portal.Cluster;

/// <summary>The owner node's answer to a <see cref="CallControlRequest"/>, or the forwarding node's when none came.</summary>
/// <param name="Id">The request's id.</param>
/// <param name="Outcome">Done, the call (or transfer) is not there, the request was refused, or no node could answer.</param>
/// <param name="Problem">For people: why not.</param>
/// <param name="Start">A blind transfer's start, exactly as the owner's call manager returned it.</param>
/// <param name="Transfer">The transfer as it is now (after any wait).</param>
/// <param name="Node">The node that answered.</param>
public sealed record CallControlReply(
    string Id,
    CallControlOutcome Outcome,
    string? Problem = null,
    TransferStartResult? Start = null,
    TransferSnapshot? Transfer = null,
    string? Node = null)
{
    public static CallControlReply NotFound(string id) => new(id, CallControlOutcome.NotFound);

    public static CallControlReply Unavailable(string id, string problem) => new(id, CallControlOutcome.Unavailable, problem);
}

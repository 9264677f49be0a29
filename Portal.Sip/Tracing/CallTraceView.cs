namespace Portal.Sip.Tracing;

/// <summary>A traced call as it is now: its legs, and its messages and notes in the order they happened.</summary>
/// <param name="CallId">The call's id in this service (<c>CallSnapshot.Id</c>).</param>
/// <param name="OwnerId">The portal user the call belongs to.</param>
/// <param name="EndedAt">When the call ended; null while it is in progress.</param>
/// <param name="Omitted">Messages left out: past the per-call count (the oldest after the first ones go) or the memory cap.</param>
public sealed record CallTraceView(
    string CallId,
    string OwnerId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<CallTraceLeg> Legs,
    IReadOnlyList<SipTraceMessage> Messages,
    IReadOnlyList<CallTraceNote> Notes,
    int Omitted)
{
    public bool IsInProgress => EndedAt is null;
}

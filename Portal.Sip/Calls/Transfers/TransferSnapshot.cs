namespace Portal.Sip.Calls.Transfers;

/// <summary>A blind transfer as the portal shows it and the call manager API reports it (DESIGN §7).</summary>
/// <param name="Id">The transfer's id, for <c>/callmanager/transfers/{id}</c>.</param>
/// <param name="CallId">The call's id in this service (see <see cref="CallSnapshot.Id"/>).</param>
/// <param name="CallNumber">The call's short number.</param>
/// <param name="OwnerId">The portal user whose <c>transfer</c> dialplan routes it.</param>
/// <param name="Destination">What was asked for: <c>req.URI.User</c> of the <c>transfer</c> dialplan.</param>
/// <param name="ReplacedLegCallId">The SIP Call-ID of the leg that leaves the call (the voice app's, or the phone that sent REFER).</param>
/// <param name="RemainingLegCallId">The SIP Call-ID of the leg that stays and is bridged to the new party.</param>
/// <param name="RequestedBy">Who asked: <c>key:&lt;prefix&gt;</c>, a portal user name, or <c>REFER</c>.</param>
/// <param name="State">Where it is.</param>
/// <param name="Status">The SIP status of the outcome: 200 when answered, the failure's status when failed.</param>
/// <param name="Reason">The outcome for people: "200 OK", "486 Busy Here", "caller hung up", …</param>
/// <param name="Target">The Request-URI of the leg that answered, or of the last leg tried.</param>
/// <param name="StartedAt">When it was asked for.</param>
/// <param name="EndedAt">When the outcome was known.</param>
/// <param name="DialDelay">From the request's arrival to the first INVITE for the new destination; null until one is sent.</param>
public sealed record TransferSnapshot(
    string Id,
    string CallId,
    long CallNumber,
    string OwnerId,
    string Destination,
    string ReplacedLegCallId,
    string RemainingLegCallId,
    string RequestedBy,
    TransferState State,
    int? Status,
    string? Reason,
    string? Target,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    TimeSpan? DialDelay = null)
{
    /// <summary>The outcome is known: answered or failed.</summary>
    public bool IsFinished => State is TransferState.Answered or TransferState.Failed;
}

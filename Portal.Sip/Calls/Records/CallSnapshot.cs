using Portal.Sip.Calls.Transfers;

namespace Portal.Sip.Calls.Records;

/// <summary>An in-progress (or just ended) call as the portal shows it and the call manager API looks it up.</summary>
/// <param name="Id">The call's id in this service (not a SIP Call-ID).</param>
/// <param name="Number">The short number of <c>#{sys.CallNumber}</c>.</param>
/// <param name="OwnerId">The portal user whose dialplan routes the call.</param>
/// <param name="OwnerUserName">That user's name (<c>sys.Username</c>).</param>
/// <param name="Direction">Out through the caller's account, or in to a called account.</param>
/// <param name="AccountUsername">The SIP account the call is for (the caller's, or the called one's).</param>
/// <param name="DialplanName">The dialplan that routed it; null when the account's phones were rung directly.</param>
/// <param name="From">The caller's From URI.</param>
/// <param name="To">The Request-URI the caller dialled.</param>
/// <param name="State">Where the call is.</param>
/// <param name="StartedAt">When the INVITE arrived.</param>
/// <param name="AnsweredAt">When the caller was sent the 200.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Legs">
/// The caller's leg first, then the legs placed (for the call, then for transfers), in order. Placed legs that
/// failed or ended are dropped when a transfer starts or finishes, so the list stays short however often the call
/// is transferred; while the call is set up, every leg is there.
/// </param>
/// <param name="Transfer">The call's transfer in progress, or its last one; null when it was never transferred.</param>
public sealed record CallSnapshot(
    string Id,
    long Number,
    string OwnerId,
    string OwnerUserName,
    CallDirection Direction,
    string? AccountUsername,
    string? DialplanName,
    string From,
    string To,
    CallState State,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<CallLegSnapshot> Legs,
    TransferSnapshot? Transfer = null)
{
    /// <summary>The node that holds the call when the service runs on several (DESIGN §11); null on a single node.</summary>
    public string? Node { get; init; }

    /// <summary>The leg towards the caller.</summary>
    public CallLegSnapshot CallerLeg => Legs[0];

    /// <summary>The placed leg that answered last (after a transfer, the new party's); null before an answer.</summary>
    public CallLegSnapshot? AnsweredLeg => Legs.Skip(1).LastOrDefault(l => l.AnsweredAt is not null);
}

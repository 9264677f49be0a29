namespace Portal.Cluster;

/// <summary>
/// Call control a node forwards to the node that holds the call (DESIGN §11). The forwarding node has verified
/// who asks (a call manager key, or a signed-in user); the owner trusts that identity and nothing more: it finds the
/// call among that user's calls (an admin's: anyone's) exactly as for a local request.
/// </summary>
/// <param name="Id">Correlates the reply.</param>
/// <param name="ReplyTo">The node waiting for the reply.</param>
/// <param name="Action">One of <see cref="BlindTransfer"/>, <see cref="TransferState"/>, <see cref="HangUp"/>, <see cref="Transfer"/>.</param>
/// <param name="UserId">The verified user asking (for a key, the key's owner).</param>
/// <param name="UserName">That user's name, for the audit log.</param>
/// <param name="IsAdmin">A signed-in admin (portal actions only; never for a key).</param>
/// <param name="Target">The call id, the leg identifier of <c>blindtransfer?callid=</c>, or the transfer id.</param>
/// <param name="Destination">Where a transfer goes.</param>
/// <param name="RequestedBy">Who asked, as the transfer records it (<c>key:…</c> or a user name).</param>
/// <param name="WaitSeconds">For a blind transfer: how long to wait for its outcome before replying.</param>
/// <param name="SourceIp">The address the request came from, for the audit log.</param>
public sealed record CallControlRequest(
    string Id,
    string ReplyTo,
    string Action,
    string UserId,
    string UserName,
    bool IsAdmin,
    string Target,
    string? Destination = null,
    string? RequestedBy = null,
    int WaitSeconds = 0,
    string? SourceIp = null)
{
    public const string BlindTransfer = "blindtransfer";
    public const string TransferState = "transfer-state";
    public const string HangUp = "hangup";
    public const string Transfer = "transfer";
}

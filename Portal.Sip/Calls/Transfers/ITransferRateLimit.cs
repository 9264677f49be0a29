namespace Portal.Sip.Calls.Transfers;

/// <summary>
/// The per-user budget of transfer requests (DESIGN §7, §10). The portal's call manager API spends it too
/// (<c>CallManager:RateLimit:PerUserPerMinute</c>), so a phone's REFER and a voice app's request share one limit.
/// </summary>
public interface ITransferRateLimit
{
    /// <summary>Counts a transfer request of <paramref name="ownerId"/>'s call; false, with when to retry, once over the limit.</summary>
    bool TryAcquire(string ownerId, out TimeSpan retryAfter);
}

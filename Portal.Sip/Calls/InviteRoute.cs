namespace Portal.Sip.Calls;

/// <summary>Who a new call belongs to and what routes it (DESIGN §5 "Call routing").</summary>
/// <param name="Direction">Out through the caller's account, or in to a called account.</param>
/// <param name="OwnerId">The owner whose dialplan runs and whose concurrent-call cap counts the call.</param>
/// <param name="OwnerUserName">That owner's user name (<c>sys.Username</c>).</param>
/// <param name="AccountUsername">The caller's account (outbound), the called account (inbound), or the provider a call came in from.</param>
/// <param name="DialplanName">The dialplan to run; null to ring the called account's registered phones.</param>
/// <param name="OwnerMaxConcurrentCalls">The owner's own concurrent-call cap, set by an admin; null for the service's.</param>
/// <param name="CallerOwnerId">The owner of the SIP account the caller authenticated as; null for an anonymous caller.</param>
/// <param name="CallersMayTransfer">The route's account lets the other parties of its calls REFER (DESIGN §10).</param>
/// <param name="OwnerMaxCallsPerHour">The owner's own hourly call limit (0 unlimited); null for the service's.</param>
/// <param name="OwnerMaxCallsPerDay">The owner's own daily call limit (0 unlimited); null for the service's.</param>
/// <param name="DialledUser">The number the dialplan sees as <c>req.URI.User</c> when it is not the Request-URI's (a provider's call to its token).</param>
internal sealed record InviteRoute(
    CallDirection Direction, string OwnerId, string OwnerUserName, string AccountUsername, string? DialplanName, int? OwnerMaxConcurrentCalls = null,
    string? CallerOwnerId = null, bool CallersMayTransfer = false, int? OwnerMaxCallsPerHour = null, int? OwnerMaxCallsPerDay = null,
    string? DialledUser = null)
{
    /// <summary>
    /// Whether the owner's configuration decides where this call goes, so that it may cost them: every outbound
    /// call, and an inbound one through an in dialplan. A call that only rings the owner's phones costs nothing
    /// and is not counted against the velocity limits.
    /// </summary>
    public bool RunsOwnersDialplan => DialplanName is not null;
}

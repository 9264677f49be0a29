namespace Portal.Sip.Calls;

/// <summary>Who a new call belongs to and what routes it (DESIGN §5 "Call routing").</summary>
/// <param name="Direction">Out through the caller's account, or in to a called account.</param>
/// <param name="OwnerId">The owner whose dialplan runs and whose concurrent-call cap counts the call.</param>
/// <param name="OwnerUserName">That owner's user name (<c>sys.Username</c>).</param>
/// <param name="AccountUsername">The caller's account (outbound) or the called account (inbound).</param>
/// <param name="DialplanName">The dialplan to run; null to ring the called account's registered phones.</param>
/// <param name="OwnerMaxConcurrentCalls">The owner's own concurrent-call cap, set by an admin; null for the service's.</param>
internal sealed record InviteRoute(
    CallDirection Direction, string OwnerId, string OwnerUserName, string AccountUsername, string? DialplanName, int? OwnerMaxConcurrentCalls = null);

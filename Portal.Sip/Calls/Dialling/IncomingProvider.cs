namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// A provider as a source of incoming calls (DESIGN §5, §10): whose it is, the token its registration's Contact
/// carries and the dialplan its calls run. The owner's limits come with it, as they do with an account lookup.
/// </summary>
/// <param name="Name">The provider's name (the host in the owner's dial strings).</param>
/// <param name="ContactToken">The user part of the Contact this service registers with it; unique across the service.</param>
/// <param name="OwnerId">The owner, whose dialplan runs and whose limits count the call.</param>
/// <param name="OwnerUserName">That owner's user name (<c>sys.Username</c>).</param>
/// <param name="InDialplanName">The dialplan for its calls; null when none is chosen (calls are refused).</param>
/// <param name="Register">Whether the service registers with it; only then does it send calls in.</param>
/// <param name="OwnerIsSuspended">A suspended owner's calls are refused.</param>
/// <param name="OwnerMaxConcurrentCalls">The owner's own concurrent-call cap; null for the service's.</param>
/// <param name="OwnerMaxCallsPerHour">The owner's own hourly call limit; null for the service's.</param>
/// <param name="OwnerMaxCallsPerDay">The owner's own daily call limit; null for the service's.</param>
public sealed record IncomingProvider(
    string Name, string ContactToken, string OwnerId, string OwnerUserName, string? InDialplanName, bool Register, bool OwnerIsSuspended,
    int? OwnerMaxConcurrentCalls = null, int? OwnerMaxCallsPerHour = null, int? OwnerMaxCallsPerDay = null);

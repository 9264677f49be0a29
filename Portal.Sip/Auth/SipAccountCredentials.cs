namespace Portal.Sip.Auth;

/// <summary>
/// What the SIP service knows of an account: its digest hashes and the routing and policy fields.
/// <paramref name="OwnerMaxConcurrentCalls"/> is the owner's own concurrent-call cap; null means the service's.
/// <paramref name="CallersMayTransfer"/>: the other parties of this account's calls may REFER (DESIGN §10).
/// <paramref name="OwnerMaxCallsPerHour"/> and <paramref name="OwnerMaxCallsPerDay"/> are the owner's own velocity
/// limits (0 unlimited); null means the service's.
/// </summary>
public sealed record SipAccountCredentials(
    int AccountId,
    string Username,
    string OwnerId,
    string OwnerUserName,
    string Realm,
    string Ha1Md5,
    string Ha1Sha256,
    bool IsDisabled,
    bool IsOwnerSuspended,
    bool IsIncomingOnly,
    string? OutDialplanName,
    string? InDialplanName,
    int? OwnerMaxConcurrentCalls = null,
    bool CallersMayTransfer = false,
    int? OwnerMaxCallsPerHour = null,
    int? OwnerMaxCallsPerDay = null)
{
    /// <summary>Disabled accounts and suspended owners are refused with 403 (DESIGN §5).</summary>
    public bool MayUseService => !IsDisabled && !IsOwnerSuspended;

    public string Ha1For(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? Ha1Sha256 : Ha1Md5;
}

namespace Portal.Services;

/// <summary>A call manager key that matched: whose it is and which one (for the audit log).</summary>
/// <param name="UserId">The key's owner.</param>
/// <param name="UserName">The owner's user name.</param>
/// <param name="KeyPrefix">The key's clear prefix; the audit log names the actor <c>key:&lt;prefix&gt;</c>.</param>
/// <param name="OwnerSuspended">The owner is suspended: the key is right, but nothing may be done with it.</param>
public sealed record VerifiedCallManagerKey(string UserId, string UserName, string KeyPrefix, bool OwnerSuspended)
{
    public string AuditName => $"key:{KeyPrefix}";
}

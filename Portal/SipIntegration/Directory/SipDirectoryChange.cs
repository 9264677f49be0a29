namespace Portal.SipIntegration.Directory;

/// <summary>
/// What a save changed that the SIP directory holds: the owners whose accounts, dialplans or providers (or whose
/// own user row) changed, and the SIP user names that were added, renamed or removed with the owner they belong to.
/// </summary>
public sealed record SipDirectoryChange(IReadOnlySet<string> Owners, IReadOnlyList<(string Username, string OwnerId)> Accounts);

using Portal.Sip.Auth;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls;

namespace Portal.SipIntegration.Directory;

/// <summary>
/// One owner's part of the SIP directory, read in one go: their SIP accounts, dialplans by name and providers by
/// name. <paramref name="Generation"/> is the directory's change count when the read began.
/// </summary>
internal sealed record DirectoryOwner(
    string OwnerId,
    IReadOnlyList<SipAccountCredentials> Accounts,
    IReadOnlyDictionary<string, DialplanSourceRecord> Dialplans,
    IReadOnlyDictionary<string, DirectoryProvider> Providers,
    long Generation)
{
    public IReadOnlyList<string> ProviderNames { get; } = [.. Providers.Keys];
}

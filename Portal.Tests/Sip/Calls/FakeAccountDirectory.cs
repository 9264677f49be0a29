using Portal.Sip.Auth;

namespace Portal.Tests.Sip.Calls;

internal sealed class FakeAccountDirectory : ISipAccountDirectory
{
    public Dictionary<string, SipAccountCredentials> Accounts { get; } = [];

    public ValueTask<SipAccountCredentials?> FindAsync(string username, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Accounts.GetValueOrDefault(username));
}

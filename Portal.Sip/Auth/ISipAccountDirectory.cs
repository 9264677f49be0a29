namespace Portal.Sip.Auth;

/// <summary>Looks SIP accounts up by user name; the portal implements it on its database.</summary>
public interface ISipAccountDirectory
{
    ValueTask<SipAccountCredentials?> FindAsync(string username, CancellationToken cancellationToken = default);
}

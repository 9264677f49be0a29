namespace Portal.SipIntegration.Directory;

/// <summary>
/// The feed from the database's save interceptor to the SIP directory. It has no dependencies, so the DbContext
/// factory can use it while the directory itself depends on that factory. Handlers run synchronously, right after
/// the save committed and before the service that saved returns: the next call sees the change.
/// </summary>
public sealed class SipDirectoryChanges
{
    public event Action<SipDirectoryChange>? Changed;

    public void Publish(SipDirectoryChange change) => Changed?.Invoke(change);
}

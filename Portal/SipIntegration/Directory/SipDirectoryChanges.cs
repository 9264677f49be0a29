namespace Portal.SipIntegration.Directory;

/// <summary>
/// The feed from the database's save interceptor to the SIP directory. It has no dependencies, so the DbContext
/// factory can use it while the directory itself depends on that factory. Handlers run synchronously, right after
/// the save committed and before the service that saved returns: the next call sees the change. With several nodes
/// (DESIGN §11) a save here is also <see cref="SavedHere"/> for the cluster to pass on, and a save on another node
/// arrives through <see cref="PublishFromPeer"/>.
/// </summary>
public sealed class SipDirectoryChanges
{
    /// <summary>Every change, saved by this process or by another node.</summary>
    public event Action<SipDirectoryChange>? Changed;

    /// <summary>Only the changes this process saved: what the other nodes must hear of.</summary>
    public event Action<SipDirectoryChange>? SavedHere;

    /// <summary>A save in this process committed.</summary>
    public void Publish(SipDirectoryChange change)
    {
        Changed?.Invoke(change);
        SavedHere?.Invoke(change);
    }

    /// <summary>Another node saved; not passed on again.</summary>
    public void PublishFromPeer(SipDirectoryChange change) => Changed?.Invoke(change);
}

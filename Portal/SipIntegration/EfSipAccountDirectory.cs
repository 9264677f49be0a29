using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Sip.Auth;

namespace Portal.SipIntegration;

/// <summary>The SIP service's account lookup, on the portal database (one indexed query by user name).</summary>
public sealed class EfSipAccountDirectory(IDbContextFactory<PortalDbContext> dbFactory) : ISipAccountDirectory
{
    public async ValueTask<SipAccountCredentials?> FindAsync(string username, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SipAccounts.AsNoTracking()
            .Where(a => a.Username == username)
            .Select(a => new SipAccountCredentials(a.Id, a.Username, a.OwnerId, a.Owner!.UserName!, a.Realm, a.Ha1Md5, a.Ha1Sha256,
                a.IsDisabled, a.Owner.IsSuspended, a.IsIncomingOnly, a.OutDialplanName, a.InDialplanName, a.Owner.MaxConcurrentCalls,
                a.CallersMayTransfer, a.Owner.MaxCallsPerHour, a.Owner.MaxCallsPerDay))
            .SingleOrDefaultAsync(cancellationToken);
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Sip.Calls;

namespace Portal.SipIntegration;

/// <summary>The SIP service's dialplans, read from the portal database on every call (one indexed query by owner and name).</summary>
public sealed class EfDialplanSource(IDbContextFactory<PortalDbContext> dbFactory) : IDialplanSource
{
    public async ValueTask<DialplanSourceRecord?> GetAsync(string ownerId, string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Dialplans.AsNoTracking()
            .Where(d => d.OwnerId == ownerId && d.Name == name)
            .Select(d => new DialplanSourceRecord(d.Name, d.Source, d.Version))
            .SingleOrDefaultAsync(cancellationToken);
    }
}

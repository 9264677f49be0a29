using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Sip.Calls;

namespace Portal.SipIntegration;

/// <summary>An owner's provider names, which decide how dial-string hosts route (DESIGN §6).</summary>
public sealed class EfProviderDirectory(IDbContextFactory<PortalDbContext> dbFactory) : IProviderDirectory
{
    public async ValueTask<IReadOnlyList<string>> ListNamesAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SipProviders.AsNoTracking()
            .Where(p => p.OwnerId == ownerId)
            .Select(p => p.Name)
            .ToListAsync(cancellationToken);
    }
}

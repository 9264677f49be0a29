using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Calls;
using Portal.Sip.Messages;

namespace Portal.SipIntegration;

/// <summary>An owner's provider names, which decide how dial-string hosts route (DESIGN §6).</summary>
public sealed class EfProviderDirectory(IDbContextFactory<PortalDbContext> dbFactory, ProviderService providers) : IProviderDirectory
{
    public async ValueTask<ProviderDialInfo?> FindAsync(string ownerId, string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.SipProviders.AsNoTracking().SingleOrDefaultAsync(p => p.OwnerId == ownerId && p.Name == name, cancellationToken);
        return row is not null && SipUri.TryParse(row.ServerUri, out var server)
            ? new ProviderDialInfo(row.Name, server, row.AuthUsername, providers.UnprotectPassword(row.PasswordProtected), row.FromUser, row.FromHost)
            : null;
    }

    public async ValueTask<IReadOnlyList<string>> ListNamesAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SipProviders.AsNoTracking()
            .Where(p => p.OwnerId == ownerId)
            .Select(p => p.Name)
            .ToListAsync(cancellationToken);
    }
}

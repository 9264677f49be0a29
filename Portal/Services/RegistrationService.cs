using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Services;

/// <summary>Live registrations of the caller's SIP accounts (never anyone else's).</summary>
public sealed class RegistrationService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<RegistrationSummary>> ListAsync(PortalCaller caller, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SipBindings.AsNoTracking()
            .Where(b => b.SipAccount!.OwnerId == caller.UserId && b.ExpiresAt > now)
            .OrderBy(b => b.SipAccountId).ThenBy(b => b.ContactUri)
            .Select(b => new RegistrationSummary(b.SipAccountId, b.ContactUri, b.ReceivedFrom, b.UserAgent, b.ExpiresAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Whether the account belongs to the caller, so a change notice may be shown to them.</summary>
    public async Task<bool> OwnsAccountAsync(PortalCaller caller, int accountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SipAccounts.AnyAsync(a => a.Id == accountId && a.OwnerId == caller.UserId, cancellationToken);
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Sip.Messages;
using Portal.Sip.Providers;

namespace Portal.SipIntegration;

/// <summary>
/// Providers with Register on, read from the database; their registration status written back to it, in turn with
/// the SIP service's other writes (<see cref="SipDatabaseWrites"/>).
/// </summary>
public sealed class EfProviderRegistrationStore(IDbContextFactory<PortalDbContext> dbFactory, ProviderService providers, SipDatabaseWrites writes)
    : IProviderRegistrationStore
{
    public async Task<IReadOnlyList<ProviderRegistrationTarget>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.SipProviders.AsNoTracking()
            .Where(p => p.Register && p.AuthUsername != null && p.PasswordProtected != null && p.ContactToken != null && !p.Owner!.IsSuspended)
            .ToListAsync(cancellationToken);
        var targets = new List<ProviderRegistrationTarget>();
        foreach (var row in rows)
        {
            if (SipUri.TryParse(row.ServerUri, out var server))
            {
                targets.Add(new ProviderRegistrationTarget(row.Id, row.Name, server, row.AuthUsername!, providers.UnprotectPassword(row.PasswordProtected)!,
                    row.FromUser, row.FromHost, row.RegisterExpirySeconds, row.ContactToken!));
            }
        }

        return targets;
    }

    public Task ReportAsync(int providerId, ProviderRegistrationStatus status, CancellationToken cancellationToken = default) =>
        writes.RunAsync(() => ReportInTurnAsync(providerId, status, cancellationToken), cancellationToken);

    private async Task ReportInTurnAsync(int providerId, ProviderRegistrationStatus status, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.SipProviders.Where(p => p.Id == providerId && p.Register).ExecuteUpdateAsync(setters => setters
            .SetProperty(p => p.RegistrationState, status.IsRegistered ? ProviderRegistrationState.Registered : ProviderRegistrationState.Failed)
            .SetProperty(p => p.RegistrationError, status.Error)
            .SetProperty(p => p.RegisteredUntil, status.RegisteredUntil), cancellationToken);
    }
}

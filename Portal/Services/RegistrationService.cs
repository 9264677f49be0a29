using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Sip.Registrar;
using Portal.Sip.Transport;

namespace Portal.Services;

/// <summary>Live registrations of the caller's SIP accounts (never anyone else's).</summary>
public sealed class RegistrationService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<RegistrationSummary>> ListAsync(PortalCaller caller, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.SipBindings.AsNoTracking()
            .Where(b => b.SipAccount!.OwnerId == caller.UserId && b.ExpiresAt > now)
            .OrderBy(b => b.SipAccountId).ThenBy(b => b.ContactUri)
            .Select(b => new { b.SipAccountId, Binding = new SipBindingRecord(b.ContactUri, b.ReceivedFrom, b.UserAgent, b.ExpiresAt, b.CallId, b.CSeq, b.UnreachableSince) })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new RegistrationSummary(r.SipAccountId, r.Binding.ContactUri, SourceAddress(r.Binding.ReceivedFrom), r.Binding.UserAgent,
            r.Binding.ExpiresAt, Transport(r.Binding.ReceivedFrom), r.Binding.IsBehindNat, r.Binding.UnreachableSince))];
    }

    /// <summary>The address part of a binding's <c>transport:ip:port</c>.</summary>
    private static string SourceAddress(string receivedFrom) =>
        SipEndPoint.TryParse(receivedFrom, out var source) ? source.EndPoint.ToString() : receivedFrom;

    private static string Transport(string receivedFrom) =>
        SipEndPoint.TryParse(receivedFrom, out var source) ? source.ViaTransport : "?";

    /// <summary>Whether the account belongs to the caller, so a change notice may be shown to them.</summary>
    public async Task<bool> OwnsAccountAsync(PortalCaller caller, int accountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SipAccounts.AnyAsync(a => a.Id == accountId && a.OwnerId == caller.UserId, cancellationToken);
    }
}

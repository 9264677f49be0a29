using DataCallDirection = Portal.Data.Entities.CallDirection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls;

namespace Portal.SipIntegration;

/// <summary>
/// An owner's earlier calls from the call records, for the velocity limits (DESIGN §10): the ones that ran the
/// owner's dialplan, as the SIP service counts them (outbound, or inbound through an in dialplan).
/// </summary>
public sealed class EfCallStartHistory(IDbContextFactory<PortalDbContext> dbFactory) : ICallStartHistory
{
    public async ValueTask<IReadOnlyList<DateTimeOffset>> ListDialplanCallStartsAsync(string ownerId, DateTimeOffset since,
        CancellationToken cancellationToken)
    {
        var from = since.UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var starts = await db.CallRecords.AsNoTracking()
            .Where(c => c.OwnerId == ownerId && c.StartedAt >= from && (c.Direction == DataCallDirection.Outbound || c.DialplanName != null))
            .Select(c => c.StartedAt)
            .ToListAsync(cancellationToken);
        return [.. starts.Select(s => new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)))];
    }
}

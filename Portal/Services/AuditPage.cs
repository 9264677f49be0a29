using Portal.Data.Entities;

namespace Portal.Services;

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int TotalCount);

namespace Portal.Services;

/// <summary>
/// What the audit pages filter on: the actor and the action (parts of them, case-insensitive, so <c>transfer</c>
/// finds every <c>transfer.*</c>), and a date range in UTC, inclusive of whole days.
/// </summary>
public sealed record AuditFilter(string? Actor = null, string? Action = null, DateTime? FromDate = null, DateTime? ToDate = null);

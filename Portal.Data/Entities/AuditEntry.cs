namespace Portal.Data.Entities;

/// <summary>Who did what, from where: transfers, hang-ups, key and account changes.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    /// <summary>The acting user's name, or <c>key:&lt;prefix&gt;</c>, or <c>cli</c>.</summary>
    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string Target { get; set; }

    public string? Detail { get; set; }

    public string? SourceIp { get; set; }

    /// <summary>The user whose calls or data the entry concerns when the actor is not them (a refused call or REFER); else null.</summary>
    public string? OwnerId { get; set; }

    public DateTime At { get; set; }
}

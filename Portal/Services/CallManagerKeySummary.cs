namespace Portal.Services;

public sealed record CallManagerKeySummary(int Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

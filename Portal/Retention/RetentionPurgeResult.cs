namespace Portal.Retention;

/// <summary>What one purge deleted, and in how many statements (each at most <see cref="RetentionPurge.BatchSize"/> rows).</summary>
public sealed record RetentionPurgeResult(int CallRecordsDeleted, int AuditEntriesDeleted, int Batches);

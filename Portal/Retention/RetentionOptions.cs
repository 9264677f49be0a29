namespace Portal.Retention;

/// <summary>How long records are kept (<c>Retention:*</c>); <c>0</c> keeps them forever.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Call records older than this many days (by start) are deleted; calls still open never are.</summary>
    public int CallRecordsDays { get; set; } = 365;

    /// <summary>Audit entries older than this many days are deleted.</summary>
    public int AuditDays { get; set; } = 730;

    /// <summary>Rest between two batches, so calls waiting to write get SQLite's write lock in between.</summary>
    public int BatchPauseMilliseconds { get; set; } = 200;
}

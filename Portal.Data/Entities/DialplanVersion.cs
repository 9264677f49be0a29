namespace Portal.Data.Entities;

/// <summary>One saved version of a dialplan's source, kept so an edit can be traced and undone.</summary>
public sealed class DialplanVersion
{
    public int Id { get; set; }

    public int DialplanId { get; set; }

    public Dialplan? Dialplan { get; set; }

    public int Version { get; set; }

    public required string Source { get; set; }

    public DateTime SavedAt { get; set; }

    public string? SavedBy { get; set; }
}

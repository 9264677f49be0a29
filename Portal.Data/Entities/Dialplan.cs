namespace Portal.Data.Entities;

/// <summary>A user's routing program (DESIGN §6). The one named <see cref="TransferName"/> runs for blind transfers.</summary>
public sealed class Dialplan
{
    public const string NamePattern = "^[a-z0-9][a-z0-9._-]{0,31}$";

    public const string TransferName = "transfer";

    public int Id { get; set; }

    public required string OwnerId { get; set; }

    public PortalUser? Owner { get; set; }

    public required string Name { get; set; }

    public DialplanKind Kind { get; set; } = DialplanKind.Rules;

    public required string Source { get; set; }

    /// <summary>Goes up by one on every saved change; the history keeps every version.</summary>
    public int Version { get; set; } = 1;

    public DateTime UpdatedAt { get; set; }

    public List<DialplanVersion> History { get; set; } = [];
}

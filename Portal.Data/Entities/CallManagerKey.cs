namespace Portal.Data.Entities;

/// <summary>A secret a voice app presents to the call manager API. Only its hash is stored.</summary>
public sealed class CallManagerKey
{
    public int Id { get; set; }

    public required string OwnerId { get; set; }

    public PortalUser? Owner { get; set; }

    public required string Name { get; set; }

    /// <summary>The first characters of the key, shown so a user can tell keys apart; also the lookup index.</summary>
    public required string Prefix { get; set; }

    /// <summary>Hex SHA-256 of the whole key. Keys are 256-bit random, so a fast hash is sufficient.</summary>
    public required string SecretHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}

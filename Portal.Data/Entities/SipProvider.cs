namespace Portal.Data.Entities;

/// <summary>An upstream SIP provider (trunk) a user dials out through: <c>number@provider-name</c>.</summary>
public sealed class SipProvider
{
    public const string NamePattern = "^[a-z0-9][a-z0-9._-]{0,31}$";

    public int Id { get; set; }

    public required string OwnerId { get; set; }

    public PortalUser? Owner { get; set; }

    /// <summary>Unique per owner; the host part in dial strings.</summary>
    public required string Name { get; set; }

    public required string ServerUri { get; set; }

    public string? AuthUsername { get; set; }

    /// <summary>Protected with ASP.NET Core Data Protection; never shown back.</summary>
    public string? PasswordProtected { get; set; }

    public string? FromUser { get; set; }

    public string? FromHost { get; set; }

    public bool Register { get; set; }

    public int RegisterExpirySeconds { get; set; } = 3600;

    public ProviderRegistrationState RegistrationState { get; set; }

    public string? RegistrationError { get; set; }

    public DateTime? RegisteredUntil { get; set; }

    public DateTime CreatedAt { get; set; }
}

namespace Portal.Data.Entities;

/// <summary>An upstream SIP provider (trunk) a user dials out through: <c>number@provider-name</c>.</summary>
public sealed class SipProvider
{
    public const string NamePattern = "^[a-z0-9][a-z0-9._-]{0,31}$";

    /// <summary>
    /// The form of <see cref="ContactToken"/>: <c>p-</c> and 16 hex digits. SIP account usernames of this form are
    /// refused, so a token never names an account.
    /// </summary>
    public const string ContactTokenPattern = "^p-[0-9a-f]{16}$";

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

    /// <summary>
    /// The user part of the Contact this service registers with the provider, unique across the service: the
    /// provider sends its calls to it (DESIGN §5, §10). Never the provider username, which can be an account's name.
    /// </summary>
    public string? ContactToken { get; set; }

    /// <summary>The dialplan run for calls the provider sends in (with Register on); null refuses them.</summary>
    public string? InDialplanName { get; set; }

    public DateTime CreatedAt { get; set; }
}

using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>A provider as the portal shows it: never its password, only whether one is set.</summary>
public sealed record ProviderSummary(
    int Id,
    string Name,
    string ServerUri,
    string? AuthUsername,
    bool HasPassword,
    string? FromUser,
    string? FromHost,
    bool Register,
    int RegisterExpirySeconds,
    ProviderRegistrationState RegistrationState,
    string? RegistrationError,
    DateTime? RegisteredUntil,
    string? InDialplanName = null,
    string? ContactToken = null);

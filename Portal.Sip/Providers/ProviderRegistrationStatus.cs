namespace Portal.Sip.Providers;

/// <summary>How a provider registration stands: registered until a time, or failed with a reason.</summary>
public sealed record ProviderRegistrationStatus(bool IsRegistered, string? Error, DateTime? RegisteredUntil);

using Portal.Sip.Messages;

namespace Portal.Sip.Providers;

/// <summary>A provider that wants an outbound registration, with its credentials in clear (never logged).</summary>
public sealed record ProviderRegistrationTarget(
    int ProviderId,
    string Name,
    SipUri Server,
    string AuthUsername,
    string Password,
    string? FromUser,
    string? FromHost,
    int ExpirySeconds)
{
    /// <summary>Never prints the password, wherever a target ends up in a log.</summary>
    public override string ToString() => $"provider {Name} ({Server})";
}

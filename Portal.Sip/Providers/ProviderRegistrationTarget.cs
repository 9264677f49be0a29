using Portal.Sip.Messages;

namespace Portal.Sip.Providers;

/// <summary>
/// A provider that wants an outbound registration, with its credentials in clear (never logged). Its Contact carries
/// <see cref="ContactToken"/> as its user part, so the provider's calls to it are known as the provider's (DESIGN §5).
/// </summary>
public sealed record ProviderRegistrationTarget(
    int ProviderId,
    string Name,
    SipUri Server,
    string AuthUsername,
    string Password,
    string? FromUser,
    string? FromHost,
    int ExpirySeconds,
    string ContactToken)
{
    /// <summary>The number the provider knows this registration by: the From user, else the user name.</summary>
    public string RegisteredUser => FromUser ?? AuthUsername;

    /// <summary>Never prints the password, wherever a target ends up in a log.</summary>
    public override string ToString() => $"provider {Name} ({Server})";
}

namespace Portal.Services;

/// <summary>What a user sets on a provider. An empty <see cref="Password"/> on edit keeps the stored one.</summary>
public sealed class ProviderInput
{
    public string Name { get; set; } = "";

    /// <summary>The provider's SIP server: <c>sip.example.com</c>, <c>sip.example.com:5080</c> or a <c>sip:</c> URI.</summary>
    public string Server { get; set; } = "";

    public string? AuthUsername { get; set; }

    public string? Password { get; set; }

    public string? FromUser { get; set; }

    public string? FromHost { get; set; }

    public bool Register { get; set; }

    public int RegisterExpirySeconds { get; set; } = 3600;

    /// <summary>The dialplan for calls the provider sends in; needs <see cref="Register"/>.</summary>
    public string? InDialplanName { get; set; }
}

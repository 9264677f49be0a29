namespace Portal.Sip.Dialplans;

/// <summary>
/// What decides a dial-string leg's route: the names of the owner's providers and the service's hosted domains.
/// Both are compared case-insensitively, as host names are.
/// </summary>
/// <param name="ProviderNames">The owner's provider names (a host equal to one routes through that provider).</param>
/// <param name="HostedDomains">The service's SIP domains (a host equal to one, like <c>local</c>, rings an account's phones).</param>
public sealed record DialStringContext(IReadOnlyCollection<string> ProviderNames, IReadOnlyCollection<string> HostedDomains)
{
    /// <summary>No providers and no hosted domains: only <c>local</c> routes locally.</summary>
    public static DialStringContext Empty { get; } = new([], []);

    internal string? FindProvider(string host) =>
        ProviderNames.FirstOrDefault(name => string.Equals(name, host, StringComparison.OrdinalIgnoreCase));

    internal bool IsLocal(string host) =>
        string.Equals(host, "local", StringComparison.OrdinalIgnoreCase)
        || HostedDomains.Any(domain => string.Equals(domain, host, StringComparison.OrdinalIgnoreCase));
}

namespace Portal.Sip.Dialplans;

/// <summary>A leg that goes out through the owner's provider of this name, with that provider's server and credentials.</summary>
/// <param name="ProviderName">The provider's name as the owner spelt it on the Providers page.</param>
public sealed record ProviderRoute(string ProviderName) : DialRoute;

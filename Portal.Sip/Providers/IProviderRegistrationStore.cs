namespace Portal.Sip.Providers;

/// <summary>Which providers register, and where their status goes; the portal implements it on its database.</summary>
public interface IProviderRegistrationStore
{
    Task<IReadOnlyList<ProviderRegistrationTarget>> ListAsync(CancellationToken cancellationToken = default);

    Task ReportAsync(int providerId, ProviderRegistrationStatus status, CancellationToken cancellationToken = default);
}

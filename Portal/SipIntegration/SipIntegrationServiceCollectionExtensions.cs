using Portal.Sip.Auth;
using Portal.Sip.Calls;
using Portal.Sip.Providers;
using Portal.Sip.Registrar;

namespace Portal.SipIntegration;

public static class SipIntegrationServiceCollectionExtensions
{
    /// <summary>The hosted SIP service and the database-backed stores it asks for (DESIGN §3).</summary>
    public static IServiceCollection AddPortalSip(this IServiceCollection services)
    {
        services.AddSingleton<SipDatabaseWrites>();
        services.AddSingleton<ISipAccountDirectory, EfSipAccountDirectory>();
        services.AddSingleton<ISipBindingStore, EfSipBindingStore>();
        services.AddSingleton<IDialplanSource, EfDialplanSource>();
        services.AddSingleton<IProviderDirectory, EfProviderDirectory>();
        services.AddSingleton<ICallRecordSink, EfCallRecordSink>();
        services.AddSingleton<ICallStartHistory, EfCallStartHistory>();
        services.AddSingleton<ITransferRateLimit>(sp => sp.GetRequiredService<Api.CallManagerRateLimits>());
        services.AddSingleton<IProviderRegistrationStore, EfProviderRegistrationStore>();
        services.AddSingleton<SipHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<SipHostedService>());
        return services;
    }
}

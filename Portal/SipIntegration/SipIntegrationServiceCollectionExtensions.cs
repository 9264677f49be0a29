using Portal.Sip.Auth;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using Portal.Sip.Limits;
using Portal.Sip.Providers;
using Portal.Sip.Registrar;
using Portal.Sip.Telemetry;
using Portal.SipIntegration.Directory;

namespace Portal.SipIntegration;

public static class SipIntegrationServiceCollectionExtensions
{
    /// <summary>The hosted SIP service and the database-backed stores it asks for (DESIGN §3).</summary>
    public static IServiceCollection AddPortalSip(this IServiceCollection services)
    {
        services.AddSingleton<SipDatabaseWrites>();
        // One in-memory directory answers account, dialplan and provider lookups (DESIGN §10).
        services.AddSingleton<SipDirectory>();
        services.AddSingleton<ISipAccountDirectory>(sp => sp.GetRequiredService<SipDirectory>());
        services.AddSingleton<IDialplanSource>(sp => sp.GetRequiredService<SipDirectory>());
        services.AddSingleton<IProviderDirectory>(sp => sp.GetRequiredService<SipDirectory>());
        services.AddSingleton<ISipBindingStore, EfSipBindingStore>();
        services.AddSingleton<ICallRecordSink, EfCallRecordSink>();
        services.AddSingleton<ICallStartHistory, EfCallStartHistory>();
        services.AddSingleton<ITransferRateLimit>(sp => sp.GetRequiredService<Api.CallManagerRateLimits>());
        services.AddSingleton<IProviderRegistrationStore, EfProviderRegistrationStore>();
        // On the host's meter factory, so OpenTelemetry (Metrics:Enabled) finds the meter by name.
        services.AddSingleton(sp => new SipMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<IBanReport, AuditedBans>();
        services.AddSingleton<SipHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<SipHostedService>());
        return services;
    }
}

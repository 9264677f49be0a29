using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.SipIntegration;
using Portal.SipIntegration.Directory;

namespace Portal.Health;

/// <summary>
/// Ready when the SIP service listens on its addresses and its in-memory directory has been read whole (DESIGN §10):
/// before that, or after the service stopped, calls would fail. Registered only when <c>Sip:Enabled</c>.
/// </summary>
public sealed class SipServiceHealthCheck(SipHostedService sip, SipDirectory directory) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult((sip.LocalEndPoints.Count, directory.IsLoaded) switch
        {
            (0, _) => HealthCheckResult.Unhealthy("The SIP service is not listening."),
            (_, false) => HealthCheckResult.Unhealthy("The SIP directory is not loaded yet."),
            _ => HealthCheckResult.Healthy(),
        });
}

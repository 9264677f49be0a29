using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Portal.Health;

/// <summary>
/// <c>/healthz</c> (the process answers) and <c>/readyz</c> (database, SIP listeners and directory), for load
/// balancers, Kubernetes probes and monitoring. Plain text, unauthenticated, and saying nothing beyond ready or
/// not: which check failed and why goes to the log only.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";

    /// <summary>Checks that must pass for <c>/readyz</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>A check that hangs (a locked database) counts as failed after this long.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddPortalHealthChecks(this IServiceCollection services, bool sipEnabled)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout);
        if (sipEnabled)
        {
            checks.AddCheck<SipServiceHealthCheck>("sip", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout);
        }

        return services;
    }

    /// <summary>Paths served here: like the call manager API, they answer on plain HTTP (probes rarely carry certificates).</summary>
    public static bool Serves(PathString path) =>
        path.Equals(LivePath, StringComparison.OrdinalIgnoreCase) || path.Equals(ReadyPath, StringComparison.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapPortalHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        // Liveness runs no check: the process answering is the whole test.
        endpoints.MapHealthChecks(LivePath, Options(_ => false, "ok", "ok")).AllowAnonymous();
        endpoints.MapHealthChecks(ReadyPath, Options(check => check.Tags.Contains(ReadyTag), "ready", "not ready"))
            .AllowAnonymous();
        return endpoints;
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate, string healthy, string unhealthy) => new()
    {
        Predicate = predicate,
        AllowCachingResponses = false,
        ResponseWriter = (context, report) =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(report.Status == HealthStatus.Unhealthy ? unhealthy : healthy);
        },
    };
}

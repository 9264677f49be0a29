using System.Net;
using OpenTelemetry.Metrics;
using Portal.Sip.Limits;
using Portal.Sip.Telemetry;

namespace Portal.Observability;

/// <summary>
/// OpenTelemetry metrics in the Prometheus text format at <c>/metrics</c>: the SIP service's meter
/// (<see cref="SipMetrics"/>), ASP.NET Core's HTTP metrics and the .NET runtime's. Served only to connections from
/// <c>Metrics:AllowedNetworks</c> (403 for others), on plain HTTP like the health endpoints, without sign-in: the
/// figures name no user, but call rates and failure counts are still the operator's business.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddPortalMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var options = Options(configuration);
        if (!options.Enabled)
        {
            return services;
        }

        // A bad entry stops the start with the setting's name, as the SIP network lists do.
        var allowed = FloodGuard.ParseNetworks(options.AllowedNetworks, "Metrics:AllowedNetworks");
        services.AddSingleton(new MetricsAccess(allowed));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SipMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Whether <paramref name="path"/> is served here: like the health endpoints it answers on plain HTTP.</summary>
    public static bool Serves(PathString path) => path.Equals(Path, StringComparison.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapPortalMetrics(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<MetricsAccess>() is not { } access)
        {
            return endpoints;
        }

        endpoints.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: pipeline => pipeline.Use(async (context, next) =>
            {
                if (!access.Allows(context.Connection.RemoteIpAddress))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync("403 Forbidden");
                    return;
                }

                await next(context);
            }), optionsName: null)
            .AllowAnonymous()
            .DisableHttpMetrics();
        return endpoints;
    }

    private static MetricsOptions Options(IConfiguration configuration) =>
        configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();

    /// <summary>Who may read the metrics.</summary>
    private sealed class MetricsAccess(IReadOnlyList<IPNetwork> allowed)
    {
        public bool Allows(IPAddress? address)
        {
            if (address is null)
            {
                return false;
            }

            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            return allowed.Any(network => network.Contains(address));
        }
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Observability;

/// <summary><c>/metrics</c> is served only to the allowed networks, and not at all when turned off (issue 12 §2).</summary>
[Collection(EndToEndCollection.ProcessWideMetrics)]
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_FromLoopback_AreServedInThePrometheusFormat_OnPlainHttp()
    {
        await using var factory = new PortalWebFactory();
        using var http = new HttpClient { BaseAddress = factory.StartKestrel() };

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var scrape = new PrometheusScrape(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, scrape.Value("portal_sip_calls_active"));
        Assert.NotNull(scrape.Value("dotnet_gc_heap_total_allocated_bytes_total"));
    }

    [Fact]
    public async Task Metrics_FromAnAddressOutsideTheAllowedNetworks_Get403()
    {
        await using var factory = new PortalWebFactory().With("Metrics:AllowedNetworks", "192.0.2.0/24,2001:db8::/32");
        using var http = new HttpClient { BaseAddress = factory.StartKestrel() };

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("portal_sip", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_WhenTurnedOff_AreNeitherCollectedNorServed()
    {
        await using var factory = new PortalWebFactory().With("Metrics:Enabled", "false");
        using var http = new HttpClient { BaseAddress = factory.StartKestrel() };

        using var response = await http.GetAsync("/metrics");

        // Not mapped: the portal's not-found handling answers (whatever its status), never the exporter.
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("portal_sip", await response.Content.ReadAsStringAsync());
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task Metrics_WithABadAllowedNetwork_StopTheStartNamingTheSetting()
    {
        await using var factory = new PortalWebFactory().With("Metrics:AllowedNetworks", "10.0.0.0/33");

        var error = Assert.ThrowsAny<Exception>(() => factory.StartKestrel());

        Assert.Contains("Metrics:AllowedNetworks", error.ToString());
    }
}

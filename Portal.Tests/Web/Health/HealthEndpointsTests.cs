using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Health;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task HealthzAndReadyz_WhileRunning_Answer200PlainTextWithoutSigningIn()
    {
        await using var factory = new PortalWebFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var live = await client.GetAsync("/healthz");
        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("ok", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
        Assert.StartsWith("text/plain", ready.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Readyz_SipServiceStopped_Is503NotReady_WhileHealthzStays200()
    {
        await using var factory = new PortalWebFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        await factory.Services.GetRequiredService<SipHostedService>().StopAsync(CancellationToken.None);

        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        // No details for an anonymous caller: which check failed is in the log only.
        Assert.Equal("not ready", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [SqliteOnlyFact]
    public async Task Readyz_DatabaseFileDamaged_Is503NotReady()
    {
        await using var factory = new PortalWebFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        // The file under the running service is overwritten by something that is not a database (a bad restore, a
        // full disk's truncation): new connections cannot read it.
        SqliteConnection.ClearAllPools();
        foreach (var sidecar in new[] { "-wal", "-shm" })
        {
            File.Delete(factory.DatabasePath + sidecar);
        }

        await File.WriteAllTextAsync(factory.DatabasePath, "this is not a SQLite database, it is a text file long enough to have a header");

        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("not ready", await ready.Content.ReadAsStringAsync());
        Assert.Equal("ok", await (await client.GetAsync("/healthz")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_OverPlainHttpWithAnHttpsEndpoint_IsNotRedirected()
    {
        await using var factory = new PortalWebFactory();
        factory.With("https_port", "443");
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        // The portal itself is redirected, so the exemption above is what let the probes through.
        Assert.Equal(HttpStatusCode.TemporaryRedirect, (await client.GetAsync("/Account/Login")).StatusCode);
    }
}

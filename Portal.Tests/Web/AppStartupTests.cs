using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web;

public sealed class AppStartupTests
{
    [Fact]
    public async Task EmptyDatabase_AtStart_IsMigratedAndHasTheBootstrappedAdmin()
    {
        await using var factory = new PortalWebFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.True(TestDatabase.IsPostgres || File.Exists(factory.DatabasePath));
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = await users.FindByNameAsync(PortalDatabaseInitializer.BootstrapAdminUserName);
        Assert.NotNull(admin);
        Assert.True(await users.IsInRoleAsync(admin, PortalCaller.AdminRole));
        Assert.True(await users.CheckPasswordAsync(admin, PortalWebFactory.AdminPassword));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/sip-accounts")]
    [InlineData("/dialplans")]
    [InlineData("/admin/users")]
    [InlineData("/call-manager")]
    public async Task AnonymousRequest_ForAPortalPage_RedirectsToSignIn(string path)
    {
        await using var factory = new PortalWebFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location!.AbsolutePath);
        Assert.Contains(Uri.EscapeDataString(path), response.Headers.Location.Query, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignInPage_IsServedWithUsernameOrEmailField()
    {
        await using var factory = new PortalWebFactory();
        using var client = factory.CreateClient();

        var html = await client.GetStringAsync("/Account/Login");

        Assert.Contains("Username or email", html);
        Assert.Contains("Sign in", html);
    }

    [Fact]
    public async Task BadDeniedNetwork_InConfiguration_StopsTheStartSayingWhichEntry()
    {
        await using var factory = new PortalWebFactory().With("Sip:DirectDial:DeniedNetworks", "10.0.0.0/8,10.0.0.0/33");

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("Sip:DirectDial:DeniedNetworks entry '10.0.0.0/33' is not a network", error.ToString());
    }

    [Fact]
    public async Task UnknownDatabaseProvider_StopsTheStartSayingWhatToSet()
    {
        await using var factory = new PortalWebFactory().With("Database:Provider", "Oracle");

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("Database:Provider is 'Oracle'; set it to Sqlite or Postgres", error.ToString());
    }

    [Fact]
    public async Task BadClusterNodeId_StopsTheStartNamingTheKey()
    {
        await using var factory = new PortalWebFactory().With("Cluster:NodeId", "node one/../x");

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("Cluster:NodeId 'node one/../x' must be", error.ToString());
    }

    [Fact]
    public async Task ClusterCallRequestTimeoutOutOfRange_StopsTheStartNamingTheKey()
    {
        await using var factory = new PortalWebFactory().With("Cluster:CallRequestTimeoutSeconds", "0");

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("Cluster:CallRequestTimeoutSeconds must be 1 to 60, not 0", error.ToString());
    }
}

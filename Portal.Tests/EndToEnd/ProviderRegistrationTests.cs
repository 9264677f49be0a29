using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>A provider with Register on: the service registers with it (a sipp registrar), answering its challenge.</summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class ProviderRegistrationTests : IAsyncLifetime
{
    private readonly PortalWebFactory factory = new PortalWebFactory().With("Sip:ProviderScanSeconds", "1");
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        factory.StartKestrel();
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Register_RightCredentials_ProviderShowsRegistered()
    {
        var (registrar, port) = StartRegistrar();
        await using (registrar)
        {
            await CreateProviderAsync(port, "pr0vider-secret");

            var provider = await WaitForStateAsync(ProviderRegistrationState.Registered);

            Assert.Null(provider.RegistrationError);
            Assert.InRange(provider.RegisteredUntil!.Value, DateTime.UtcNow.AddSeconds(60), DateTime.UtcNow.AddSeconds(121));
            await registrar.WaitForExitAsync(TimeSpan.FromSeconds(20));
            Assert.True(registrar.ExitCode == 0, registrar.Output);
        }
    }

    [Fact]
    public async Task Register_WrongPassword_ProviderShowsFailedWithTheReason()
    {
        var (registrar, port) = StartRegistrar();
        await using (registrar)
        {
            await CreateProviderAsync(port, "wrong-password");

            var provider = await WaitForStateAsync(ProviderRegistrationState.Failed);

            Assert.StartsWith("403 Forbidden", provider.RegistrationError);
            Assert.Contains("check the user name and password", provider.RegistrationError);
        }
    }

    private static (PeerProcess Process, int Port) StartRegistrar()
    {
        var port = PeerProcess.FreePort();
        var process = Sipp.Start(
        [
            "-sf", Sipp.Scenario("provider-registrar.xml"), "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture),
            "-t", "u1", "-m", "1", "-timeout", "40s", "-timeout_error",
        ]);
        return (process, port);
    }

    private async Task CreateProviderAsync(int port, string password)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ProviderService>().CreateAsync(alice, new ProviderInput
        {
            Name = "trunk", Server = $"127.0.0.1:{port}", AuthUsername = "acct1", Password = password, Register = true, RegisterExpirySeconds = 120,
        });
    }

    /// <summary>The provider row once its registration reached <paramref name="state"/> (the client reports after each attempt).</summary>
    private async Task<SipProvider> WaitForStateAsync(ProviderRegistrationState state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            var provider = await db.SipProviders.AsNoTracking().SingleAsync();
            if (provider.RegistrationState == state)
            {
                return provider;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the provider stayed {provider.RegistrationState} ({provider.RegistrationError})");
            await Task.Delay(200);
        }
    }
}

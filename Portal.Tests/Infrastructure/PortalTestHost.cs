using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Services;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The portal's real service graph (AddPortal) on a private database (in-memory SQLite, or PostgreSQL: see
/// <see cref="TestDatabase"/>), migrated and bootstrapped exactly as at start-up, without a web server.
/// </summary>
public sealed class PortalTestHost : IAsyncDisposable
{
    private readonly TestDatabase database;
    private readonly WebApplication app;

    private PortalTestHost(TestDatabase database, WebApplication app)
    {
        this.database = database;
        this.app = app;
    }

    public IServiceProvider Services => app.Services;

    public static async Task<PortalTestHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var database = TestDatabase.CreatePrivate();
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(database.Settings);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Portal:Admin:Email"] = "admin@example.test",
                ["Portal:Admin:Password"] = "admin-password-1",
                ["Sip:Domains"] = "sip.example.test",
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            builder.AddPortal();
            var app = builder.Build();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<PortalDatabaseInitializer>().InitializeAsync();
            }

            return new PortalTestHost(database, app);
        }
        catch
        {
            // A host that fails to start (a test of a bad setting) still gives its database back.
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a portal user through the same service sign-up uses and returns them as a caller.</summary>
    public async Task<PortalCaller> CreateUserAsync(string userName, bool admin = false)
    {
        await using var scope = Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserAccountService>()
            .CreateAsync(userName, $"{userName}@example.test", "password-123", admin, actor: "test");
        return new PortalCaller(user.Id, user.UserName!, admin);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The real app (Program) on a fresh SQLite file of its own. With <see cref="StartKestrel"/> it listens on an
/// ephemeral 127.0.0.1 port so a real browser can reach it.
/// </summary>
public sealed class PortalWebFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = "admin-password-1";

    private readonly string directory = Path.Combine(Path.GetTempPath(), $"portal-web-{Guid.NewGuid():N}");

    public string DatabasePath => Path.Combine(directory, "portal.db");

    /// <summary>Switches to Kestrel on a free port and returns the base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        return ClientOptions.BaseAddress;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(directory);
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={DatabasePath}");
        builder.UseSetting("Portal:DataProtectionKeysPath", Path.Combine(directory, "keys"));
        builder.UseSetting("Portal:Admin:Email", "admin@example.test");
        builder.UseSetting("Portal:Admin:Password", AdminPassword);
        builder.UseSetting("Sip:Domains", "sip.example.test");
        builder.UseSetting("urls", "http://127.0.0.1:0");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing request; the temp folder is cleaned by the OS.
        }
    }
}

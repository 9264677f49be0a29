using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Services;
using Portal.Sip.Transport;
using Portal.SipIntegration;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The real app (Program) on a fresh database of its own: a SQLite file in its data folder, or a PostgreSQL database
/// (see <see cref="TestDatabase"/>). With <see cref="StartKestrel"/> it listens on an
/// ephemeral 127.0.0.1 port so a real browser can reach it.
/// </summary>
public sealed class PortalWebFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = "admin-password-1";

    private readonly string directory;
    private readonly bool keepDirectory;
    private readonly Dictionary<string, string> settings = [];
    private readonly List<ILoggerProvider> loggerProviders = [];
    private TestDatabase? database;

    /// <param name="directory">An existing data folder to start on (a restart); by default a new one.</param>
    public PortalWebFactory(string? directory = null, bool keepDirectory = false)
    {
        this.directory = directory ?? Path.Combine(Path.GetTempPath(), $"portal-web-{Guid.NewGuid():N}");
        this.keepDirectory = keepDirectory;
    }

    public string DataDirectory => directory;

    /// <summary>Overrides one configuration key (before the app starts).</summary>
    public PortalWebFactory With(string key, string value)
    {
        settings[key] = value;
        return this;
    }

    /// <summary>Adds a logger provider (a test's log collector) beside the app's own (before the app starts).</summary>
    public PortalWebFactory WithLogger(ILoggerProvider provider)
    {
        loggerProviders.Add(provider);
        return this;
    }

    /// <summary>The SIP service's UDP port (TCP listens on the same one).</summary>
    public int SipPort => Services.GetRequiredService<SipHostedService>().LocalEndPoints
        .First(e => e.Protocol == SipTransportProtocol.Udp).EndPoint.Port;

    /// <summary>Creates a portal user and a SIP account for them through the portal's own services.</summary>
    public async Task<PortalCaller> CreateUserWithSipAccountAsync(string userName, string sipUser, string sipPassword)
    {
        await using var scope = Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserAccountService>()
            .CreateAsync(userName, $"{userName}@example.test", $"{userName}-password", admin: false, actor: "test");
        var caller = new PortalCaller(user.Id, user.UserName!, false);
        await scope.ServiceProvider.GetRequiredService<SipAccountService>()
            .CreateAsync(caller, new SipAccountInput { Username = sipUser, Password = sipPassword });
        return caller;
    }

    /// <summary>Creates a call manager key for the caller, as the Keys page does; the result holds the key in clear.</summary>
    public async Task<CreatedCallManagerKey> CreateCallManagerKeyAsync(PortalCaller caller, string name = "voice app") =>
        await Services.GetRequiredService<CallManagerKeyService>().CreateAsync(caller, name);

    /// <summary>The SQLite file (tests of the file itself are SQLite-only).</summary>
    public string DatabasePath => Path.Combine(directory, "portal.db");

    /// <summary>
    /// Switches to Kestrel on a free port and returns the base address, e.g. http://127.0.0.1:41234/. With
    /// <c>Kestrel:Endpoints:*</c> set (<see cref="With"/>), it listens on exactly those instead; see <see cref="ServerAddresses"/>.
    /// </summary>
    public Uri StartKestrel()
    {
        // UseKestrel(port) makes the given port win over configured endpoints, so it is only for the default.
        if (settings.Keys.Any(k => k.StartsWith("Kestrel:Endpoints:", StringComparison.OrdinalIgnoreCase)))
        {
            UseKestrel();
        }
        else
        {
            UseKestrel(0);
        }

        StartServer();
        return ClientOptions.BaseAddress;
    }

    /// <summary>Every address Kestrel listens on once started, e.g. the http one and a configured https endpoint.</summary>
    public IReadOnlyList<Uri> ServerAddresses =>
        [.. Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    /// <summary>Saves <paramref name="source"/> as the caller's dialplan "default" and makes it the out dialplan of their SIP account.</summary>
    /// <summary>The one call record that has ended, once the write-behind has stored it (fails after 15 s without one).</summary>
    public async Task<Portal.Data.Entities.CallRecord> WaitForEndedCallRecordAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            await using var db = await Services.GetRequiredService<IDbContextFactory<Portal.Data.PortalDbContext>>().CreateDbContextAsync();
            var record = await db.CallRecords.AsNoTracking().Where(r => r.EndedAt != null).SingleOrDefaultAsync();
            if (record is not null || DateTime.UtcNow > deadline)
            {
                Assert.True(record is not null, "the call has no ended record");
                return record;
            }

            await Task.Delay(100);
        }
    }

    public async Task UseOutDialplanAsync(PortalCaller caller, string sipUser, string source)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DialplanService>().SetAsync(caller, "default", source);
        var accounts = scope.ServiceProvider.GetRequiredService<SipAccountService>();
        var account = (await accounts.ListAsync(caller)).Single(a => a.Username == sipUser);
        await accounts.UpdateAsync(caller, account.Id, new SipAccountInput { Username = sipUser, OutDialplanName = "default" });
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(directory);
        builder.UseEnvironment("Development");
        database ??= TestDatabase.ForDirectory(directory, keepDirectory);
        foreach (var (key, value) in database.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Portal:DataProtectionKeysPath", Path.Combine(directory, "keys"));
        builder.UseSetting("Portal:Admin:Email", "admin@example.test");
        builder.UseSetting("Portal:Admin:Password", AdminPassword);
        builder.UseSetting("Sip:Domains", "sip.example.test");
        builder.UseSetting("Sip:Listen", "udp:127.0.0.1:0,tcp:127.0.0.1:0");
        // The peers (sipp, baresip, voice apps) are dialled directly on 127.0.0.1, which the default policy refuses.
        builder.UseSetting("Sip:DirectDial:DeniedNetworks", "none");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        // The suite runs many hosts and Chromium on two cores; a thread-pool stall there is the test machine, not
        // the overload a test is about, and shedding a test's call with 503 made it flaky. OverloadTests cover shedding.
        builder.UseSetting("Sip:Overload:MaxDelayMilliseconds", "0");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => loggerProviders.ForEach(provider => logging.AddProvider(provider)));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (database is not null)
        {
            await database.DisposeAsync();
        }

        if (keepDirectory)
        {
            return;
        }

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

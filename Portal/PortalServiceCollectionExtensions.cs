using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Portal.Api;
using Portal.Cluster;
using Portal.Components.Account;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Health;
using Portal.Retention;
using Portal.Runtime;
using Portal.Mail;
using Portal.Observability;
using Portal.Services;
using Portal.SipIntegration;
using Portal.Sip.Hosting;
using Portal.SipIntegration.Directory;

namespace Portal;

public static class PortalServiceCollectionExtensions
{
    /// <summary>Everything the web app and the admin commands share: data, identity, portal services.</summary>
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddSingleton(TimeProvider.System);
        // Every save tells the SIP directory which owners changed (DESIGN §10), whether or not SIP runs here.
        services.AddSingleton<SipDirectoryChanges>();
        services.AddSingleton<SipDirectoryInterceptor>();
        var database = DatabaseSettings.Read(configuration);
        services.AddSingleton(database);
        services.AddPortalData(database.Provider, database.ConnectionString, builder.Environment.ContentRootPath, provider => [provider.GetRequiredService<SipDirectoryInterceptor>()]);
        services.AddOptions<SipOptions>().Bind(configuration.GetSection(SipOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SipOptions>, SipOptionsValidation>();
        // One evaluator for calls and the Test panel, so both count against one owner's limit (DESIGN §10).
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SipOptions>>().Value.CreateDialplanEvaluator(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SipOptions>>().Value.CreateDirectDialPolicy());

        // Keys outlive restarts, so sign-in cookies stay valid and protected provider passwords stay readable.
        var keysPath = Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath,
            configuration["Portal:DataProtectionKeysPath"] ?? "App_Data/keys"));
        services.AddPortalCluster(configuration, services.AddDataProtection().SetApplicationName("Portal"), keysPath);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<CurrentCaller>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthorization();

        services.AddIdentityCore<PortalUser>(options =>
            {
                // There is no mail server by default, so confirmation is opt-in (Portal:RequireConfirmedEmail, needs Smtp:Host).
                options.SignIn.RequireConfirmedAccount = configuration.GetValue("Portal:RequireConfirmedEmail", false);
                options.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B).
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireDigit = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders();
        // Cookies are re-checked against the user every 30 seconds: a suspension ends open sessions promptly.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromSeconds(30));
        services.AddAccountMail(configuration);

        services.AddScoped<UserAccountService>();
        services.AddScoped<UserAdminService>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<SipAccountService>();
        services.AddSingleton<DialplanService>();
        services.AddSingleton<CallManagerKeyService>();
        services.AddScoped<CallManagerKeyVerifier>();
        services.AddOptions<CallManagerRateLimitOptions>().Bind(configuration.GetSection(CallManagerRateLimitOptions.SectionName));
        services.AddSingleton<CallManagerRateLimits>();
        services.AddSingleton<ProviderService>();
        services.AddSingleton<CallHistoryService>();
        services.AddSingleton<AuditTrailService>();
        services.AddSingleton<DashboardService>();
        services.AddSingleton<LiveCallService>();
        services.AddSingleton<CallTraceService>();
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<SipRegistrationEvents>();
        services.AddSingleton<ProviderStatusEvents>();
        services.AddScoped<PortalDatabaseInitializer>();
        services.AddSingleton<DatabaseBackup>();
        // Registered before the SIP service so open records are closed before new calls arrive.
        services.AddHostedService<CallRecordRecovery>();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.SectionName));
        services.AddSingleton<RetentionPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionPurge>());
        services.AddOptions<MemoryTrimOptions>().Bind(configuration.GetSection(MemoryTrimOptions.SectionName));
        services.AddHostedService<IdleMemoryTrim>();
        var sipEnabled = configuration.GetValue("Sip:Enabled", true);
        if (sipEnabled)
        {
            services.AddPortalSip();
        }

        services.AddPortalClusterCalls(configuration, sipEnabled);
        services.AddPortalHealthChecks(sipEnabled);
        services.AddPortalMetrics(configuration);
        return builder;
    }
}

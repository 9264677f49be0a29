using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Portal.Sip.Limits;
using StackExchange.Redis;

namespace Portal.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>Where the nodes keep their shared Data Protection key ring in Redis.</summary>
    public const string DataProtectionKeysKey = "portal:data-protection-keys";

    /// <summary>
    /// The node's identity and, with <c>Cluster:Redis</c>, one Redis connection for the process and the Data
    /// Protection key ring in Redis, so a sign-in cookie or a provider password protected on one node is read on any
    /// other. Without Redis the keys stay in <c>Portal:DataProtectionKeysPath</c>, as on a single machine.
    /// With Redis the nodes also share SIP bans and failure counts, the call manager API's rate windows, the SIP
    /// directory's changes and registrations (README "Several machines").
    /// </summary>
    public static IServiceCollection AddPortalCluster(this IServiceCollection services, IConfiguration configuration,
        IDataProtectionBuilder dataProtection, string keysPath)
    {
        var section = configuration.GetSection(ClusterOptions.SectionName);
        services.AddOptions<ClusterOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidation>();
        if (string.IsNullOrWhiteSpace(section["Redis"]))
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keysPath));
            return services;
        }

        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<ClusterOptions>>().Value.Redis!);
            // Keep trying in the background rather than fail the start: a node outlives a Redis restart.
            options.AbortOnConnectFail = false;
            options.ClientName = $"portal-{sp.GetRequiredService<IOptions<ClusterOptions>>().Value.NodeId}";
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), DataProtectionKeysKey));

        services.AddSingleton<ClusterBus>();
        services.AddSingleton<SharedRateCounts>();
        services.AddSingleton<SharedRegistrations>();
        // Hosted before the SIP service (registered later), so both listen before the first SIP message.
        services.AddHostedService<SharedDirectoryChanges>();
        services.AddSingleton<RedisSharedBans>();
        services.AddSingleton<ISharedBans>(sp => sp.GetRequiredService<RedisSharedBans>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisSharedBans>());
        return services;
    }

    /// <summary>
    /// With <c>Cluster:Redis</c>: the other nodes' calls in the live views and call control forwarded to the node that
    /// holds a call; with the SIP service too, this node's calls told to the others. Registered after the SIP service,
    /// so it starts once the calls do and stops (taking the heartbeat away) before they are hung up.
    /// </summary>
    public static IServiceCollection AddPortalClusterCalls(this IServiceCollection services, IConfiguration configuration, bool sipEnabled)
    {
        if (string.IsNullOrWhiteSpace(configuration.GetSection(ClusterOptions.SectionName)["Redis"]))
        {
            return services;
        }

        services.AddSingleton<ClusterCallView>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterCallView>());
        services.AddSingleton<ClusterCallControl>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterCallControl>());
        if (sipEnabled)
        {
            services.AddSingleton<ClusterCallPublisher>();
            services.AddHostedService(sp => sp.GetRequiredService<ClusterCallPublisher>());
        }

        return services;
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Data;

public static class PortalDataServiceCollectionExtensions
{
    /// <summary>
    /// The assembly that holds the PostgreSQL migrations. EF Core keeps one migration history per assembly, so each
    /// provider has its own (the SQLite ones stay in Portal.Data, where existing databases expect them).
    /// </summary>
    public const string PostgresMigrationsAssembly = "Portal.Data.Postgres";

    /// <summary>
    /// Registers <see cref="PortalDbContext"/> as a factory (for components and services) and as a scoped
    /// context (for ASP.NET Core Identity's stores), on the given provider.
    /// </summary>
    /// <param name="connectionString">For SQLite a relative file is resolved against <paramref name="baseDirectory"/>.</param>
    /// <param name="interceptors">Interceptors every context gets, e.g. the one that keeps the SIP directory in step.</param>
    public static IServiceCollection AddPortalData(this IServiceCollection services, DatabaseProvider provider, string connectionString,
        string baseDirectory, Func<IServiceProvider, IEnumerable<IInterceptor>>? interceptors = null)
    {
        var resolved = provider == DatabaseProvider.Sqlite ? ResolveSqliteConnectionString(connectionString, baseDirectory) : connectionString;
        services.AddDbContextFactory<PortalDbContext>((serviceProvider, options) =>
        {
            options.UsePortalDatabase(provider, resolved);
            if (interceptors is not null)
            {
                options.AddInterceptors(interceptors(serviceProvider));
            }
        });
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>Points <paramref name="options"/> at the database, with the migrations written for its provider.</summary>
    public static DbContextOptionsBuilder UsePortalDatabase(this DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(connectionString),
            DatabaseProvider.Postgres => options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };

    /// <summary>Makes a relative SQLite file absolute and creates its folder, so a fresh checkout just runs.</summary>
    public static string ResolveSqliteConnectionString(string connectionString, string baseDirectory)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var file = builder.DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            return builder.ToString();
        }

        if (!Path.IsPathRooted(file))
        {
            file = Path.GetFullPath(Path.Combine(baseDirectory, file));
        }

        var directory = Path.GetDirectoryName(file);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        builder.DataSource = file;
        return builder.ToString();
    }
}

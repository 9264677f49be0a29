using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Data;

public static class PortalDataServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PortalDbContext"/> as a factory (for components and services) and as a scoped
    /// context (for ASP.NET Core Identity's stores), on SQLite.
    /// </summary>
    /// <param name="connectionString">A SQLite connection string; a relative file is resolved against <paramref name="baseDirectory"/>.</param>
    /// <param name="interceptors">Interceptors every context gets, e.g. the one that keeps the SIP directory in step.</param>
    public static IServiceCollection AddPortalData(this IServiceCollection services, string connectionString, string baseDirectory,
        Func<IServiceProvider, IEnumerable<IInterceptor>>? interceptors = null)
    {
        var resolved = ResolveSqliteConnectionString(connectionString, baseDirectory);
        services.AddDbContextFactory<PortalDbContext>((provider, options) =>
        {
            options.UseSqlite(resolved);
            if (interceptors is not null)
            {
                options.AddInterceptors(interceptors(provider));
            }
        });
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        return services;
    }

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

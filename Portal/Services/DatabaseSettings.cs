using Portal.Data;

namespace Portal.Services;

/// <summary>
/// Which database the portal uses: <c>Database:Provider</c> (<c>Sqlite</c>, the default, or <c>Postgres</c>) and
/// <c>ConnectionStrings:Portal</c>. Read once at start; a bad value stops the start with a message naming the key.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string ProviderKey = "Database:Provider";
    public const string DefaultSqliteConnectionString = "Data Source=App_Data/portal.db";

    public static DatabaseSettings Read(IConfiguration configuration)
    {
        var name = configuration[ProviderKey];
        var provider = DatabaseProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(name)
            && (!Enum.TryParse(name.Trim(), ignoreCase: true, out provider) || !Enum.IsDefined(provider)))
        {
            throw new InvalidOperationException($"{ProviderKey} is '{name}'; set it to Sqlite or Postgres.");
        }

        var connectionString = configuration.GetConnectionString("Portal");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            // A PostgreSQL server has no sensible default address: a missing one is a mistake, not a wish for SQLite.
            connectionString = provider == DatabaseProvider.Sqlite ? DefaultSqliteConnectionString
                : throw new InvalidOperationException(
                    $"{ProviderKey} is Postgres but ConnectionStrings:Portal is not set; give it, e.g. Host=db;Database=portal;Username=portal;Password=….");
        }

        return new DatabaseSettings(provider, connectionString);
    }
}

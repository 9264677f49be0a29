using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The database one test host runs on. By default SQLite, as a user runs it; with <c>PORTAL_TEST_DATABASE=postgres</c>
/// a database of its own on the PostgreSQL server that <c>PORTAL_TEST_POSTGRES</c> names (scripts/test.sh starts a
/// throwaway cluster), so the same tests cover both providers. PostgreSQL databases are copied from one migrated
/// template, which costs a file copy instead of a migration per test.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ProviderVariable = "PORTAL_TEST_DATABASE";
    public const string PostgresVariable = "PORTAL_TEST_POSTGRES";

    private const string TemplateName = "portal_test_template";
    private static readonly Lazy<string> Template = new(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly SqliteConnection? keepAlive;
    private readonly string? postgresName;
    private readonly bool keep;

    private TestDatabase(string connectionString, SqliteConnection? keepAlive = null, string? postgresName = null, bool keep = false)
    {
        ConnectionString = connectionString;
        this.keepAlive = keepAlive;
        this.postgresName = postgresName;
        this.keep = keep;
    }

    /// <summary>The provider every test host of this run uses.</summary>
    public static DatabaseProvider Provider { get; } =
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;

    public static bool IsPostgres => Provider == DatabaseProvider.Postgres;

    public string ConnectionString { get; }

    /// <summary>The configuration a host needs to run on this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:Portal"] = ConnectionString,
    };

    /// <summary>A private database, gone at dispose: in-memory SQLite, or a new PostgreSQL database.</summary>
    public static TestDatabase CreatePrivate()
    {
        if (IsPostgres)
        {
            return CreatePostgres($"portal_test_{Guid.NewGuid():N}", keep: false);
        }

        var connectionString = $"Data Source=file:portal-test-{Guid.NewGuid():N}?mode=memory&cache=shared";
        // The in-memory database lives as long as one connection to it is open.
        var keepAlive = new SqliteConnection(connectionString);
        keepAlive.Open();
        return new TestDatabase(connectionString, keepAlive);
    }

    /// <summary>
    /// A new PostgreSQL database whatever the run's provider, gone at dispose: the one store several nodes share
    /// (<see cref="ClusterFactAttribute"/>).
    /// </summary>
    public static TestDatabase CreatePostgres() => CreatePostgres($"portal_test_{Guid.NewGuid():N}", keep: false);

    /// <summary>
    /// The database of a data folder: <c>portal.db</c> in it (SQLite), or a PostgreSQL database named after it, so a
    /// host started again on the same folder finds the same rows. Dropped at dispose unless <paramref name="keep"/>.
    /// </summary>
    public static TestDatabase ForDirectory(string directory, bool keep)
    {
        if (!IsPostgres)
        {
            return new TestDatabase($"Data Source={Path.Combine(directory, "portal.db")}", keep: true);
        }

        var name = $"portal_test_{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(directory))))[..24]}";
        return CreatePostgres(name, keep);
    }

    public async ValueTask DisposeAsync()
    {
        if (keepAlive is not null)
        {
            await keepAlive.DisposeAsync();
        }

        if (postgresName is not null && !keep)
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
            // FORCE ends the connections a stopping host may still hold (PostgreSQL 13 and later).
            await using var admin = await OpenServerAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static TestDatabase CreatePostgres(string name, bool keep)
    {
        var template = Template.Value;
        using (var admin = OpenServer())
        {
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
            exists.Parameters.AddWithValue("name", name);
            if (exists.ExecuteScalar() is null)
            {
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", admin);
                create.ExecuteNonQuery();
            }
        }

        return new TestDatabase(Database(name).ConnectionString, postgresName: name, keep: keep);
    }

    /// <summary>Migrates the template once per test run; a copy of it is a database the portal finds up to date.</summary>
    private static string CreateTemplate()
    {
        using (var admin = OpenServer())
        {
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{TemplateName}\" WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{TemplateName}\"", admin);
            create.ExecuteNonQuery();
        }

        // No pooling: CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
        var template = Database(TemplateName);
        template.Pooling = false;
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(DatabaseProvider.Postgres, template.ConnectionString);
        using var db = new PortalDbContext(options.Options);
        db.Database.Migrate();
        return TemplateName;
    }

    private static NpgsqlConnectionStringBuilder Database(string name) => new(ServerConnectionString) { Database = name };

    private static string ServerConnectionString => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            $"{ProviderVariable}=postgres needs {PostgresVariable}, a connection string to a server where it may create databases (scripts/test.sh starts one).");

    private static NpgsqlConnection OpenServer()
    {
        var connection = new NpgsqlConnection(Database("postgres").ConnectionString);
        connection.Open();
        return connection;
    }

    private static async Task<NpgsqlConnection> OpenServerAsync()
    {
        var connection = new NpgsqlConnection(Database("postgres").ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}

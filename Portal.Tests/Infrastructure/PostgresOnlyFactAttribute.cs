namespace Portal.Tests.Infrastructure;

/// <summary>A test of how the portal behaves on PostgreSQL: skipped, with the reason, when the run is on SQLite.</summary>
public sealed class PostgresOnlyFactAttribute : FactAttribute
{
    public PostgresOnlyFactAttribute()
    {
        if (!TestDatabase.IsPostgres)
        {
            Skip = $"Needs PostgreSQL: scripts/test.sh runs it with {TestDatabase.ProviderVariable}=postgres.";
        }
    }
}

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A test of several Portal nodes (DESIGN §11): they share one PostgreSQL database and one Redis server, so it needs
/// both <c>PORTAL_TEST_POSTGRES</c> and <c>PORTAL_TEST_REDIS</c>, which scripts/test.sh sets after starting throwaway
/// ones; skipped with the reason without them, whatever <c>PORTAL_TEST_DATABASE</c> says.
/// </summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable)) || string.IsNullOrEmpty(RedisFactAttribute.Server))
        {
            Skip = $"Needs PostgreSQL and Redis: scripts/test.sh starts both and sets {TestDatabase.PostgresVariable} and {RedisFactAttribute.Variable}.";
        }
    }
}

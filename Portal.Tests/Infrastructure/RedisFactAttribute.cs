namespace Portal.Tests.Infrastructure;

/// <summary>
/// A test of several nodes sharing a Redis server: needs <c>PORTAL_TEST_REDIS</c> (host:port), which scripts/test.sh
/// sets after starting a throwaway one; skipped with the reason without it.
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public const string Variable = "PORTAL_TEST_REDIS";

    public RedisFactAttribute()
    {
        if (string.IsNullOrEmpty(Server))
        {
            Skip = $"Needs a Redis server: scripts/test.sh starts one and sets {Variable}.";
        }
    }

    public static string? Server => Environment.GetEnvironmentVariable(Variable);
}

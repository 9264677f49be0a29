namespace Portal.Tests.Infrastructure;

/// <summary>
/// A test of something only SQLite has (the database file, its backup API): skipped, with the reason, when the run
/// is on PostgreSQL (<see cref="TestDatabase"/>).
/// </summary>
public sealed class SqliteOnlyFactAttribute : FactAttribute
{
    public SqliteOnlyFactAttribute()
    {
        if (TestDatabase.IsPostgres)
        {
            Skip = "Tests the SQLite file itself; this run is on PostgreSQL.";
        }
    }
}

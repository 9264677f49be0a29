namespace Portal.Data;

/// <summary>The database engine behind <see cref="PortalDbContext"/> (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded file beside the process: one machine, nothing to install (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server several nodes share (DESIGN §11); its migrations live in Portal.Data.Postgres.</summary>
    Postgres,
}

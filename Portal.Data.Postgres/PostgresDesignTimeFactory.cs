using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portal.Data.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add … --project Portal.Data.Postgres</c> build the PostgreSQL model without a server:
/// adding a migration never connects.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        options.UsePortalDatabase(DatabaseProvider.Postgres, "Host=localhost;Database=portal_design_time");
        return new PortalDbContext(options.Options);
    }
}

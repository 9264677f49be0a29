using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Data;

namespace Portal.Health;

/// <summary>
/// Ready when the database answers a query that reads a table (the migrations history), so a missing, locked or
/// corrupt file counts as not ready; <c>SELECT 1</c> alone would not open the file. Portable to PostgreSQL.
/// </summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<PortalDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\"";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reason goes to the health check log, never to the (unauthenticated) response.
            return HealthCheckResult.Unhealthy("The database did not answer.", ex);
        }
    }
}

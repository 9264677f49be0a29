using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>
/// Brings a database up to date at start (server and admin commands alike): applies migrations, creates the
/// roles, and bootstraps the first admin as DESIGN §8 says.
/// </summary>
public sealed partial class PortalDatabaseInitializer(
    IDbContextFactory<PortalDbContext> dbFactory,
    RoleManager<IdentityRole> roles,
    UserManager<PortalUser> users,
    UserAccountService accounts,
    ProviderService providers,
    IConfiguration configuration,
    ILogger<PortalDatabaseInitializer> logger)
{
    public const string BootstrapAdminUserName = "admin";

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await db.Database.MigrateAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                // Write-ahead logging (kept in the file): call records and audit entries being written never hold up
                // the reads a call or a transfer is waiting for, and commits stay durable (synchronous stays FULL).
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }

        await providers.AssignMissingContactTokensAsync(cancellationToken);
        foreach (var role in new[] { PortalCaller.AdminRole, PortalCaller.UserRole })
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        if ((await users.GetUsersInRoleAsync(PortalCaller.AdminRole)).Count == 0)
        {
            await BootstrapAdminAsync(cancellationToken);
        }
    }

    private async Task BootstrapAdminAsync(CancellationToken cancellationToken)
    {
        var email = configuration["Portal:Admin:Email"];
        var password = configuration["Portal:Admin:Password"];
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');
        }

        var existing = await users.FindByNameAsync(BootstrapAdminUserName);
        if (existing is not null)
        {
            // A user named admin exists without the role (revoked by hand): promote it rather than fail.
            await users.AddToRoleAsync(existing, PortalCaller.AdminRole);
            LogPromoted(logger, BootstrapAdminUserName);
            return;
        }

        await accounts.CreateAsync(BootstrapAdminUserName, string.IsNullOrEmpty(email) ? "admin@localhost" : email, password!,
            admin: true, actor: "bootstrap", cancellationToken);
        if (generated)
        {
            LogGeneratedPassword(logger, BootstrapAdminUserName, password!);
        }
        else
        {
            LogCreated(logger, BootstrapAdminUserName);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Created the first admin '{UserName}' with the one-time password: {Password}  (sign in and change it; set Portal:Admin:Password to choose it)")]
    private static partial void LogGeneratedPassword(ILogger logger, string userName, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first admin '{UserName}' from configuration")]
    private static partial void LogCreated(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin existed; gave user '{UserName}' the Admin role")]
    private static partial void LogPromoted(ILogger logger, string userName);
}

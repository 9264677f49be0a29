using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Services;

/// <summary>
/// Online backups of the SQLite database with SQLite's backup API: the copy is a consistent snapshot taken under a
/// read transaction, so the server keeps taking calls and writing records meanwhile (in WAL mode readers never block
/// the writer), and every row committed before the backup began is in it.
/// </summary>
public sealed class DatabaseBackup(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Copies the configured database to <paramref name="target"/>; returns the full path written.</summary>
    public async Task<string> BackupAsync(string target, bool overwrite, CancellationToken cancellationToken = default)
    {
        var source = await SourceAsync(cancellationToken);
        var path = Path.GetFullPath(target);
        if (string.Equals(path, source.File, StringComparison.Ordinal))
        {
            throw new PortalValidationException("file", "That is the database itself; choose another file.");
        }

        if (Directory.Exists(path))
        {
            throw new PortalValidationException("file", $"{path} is a folder; give a file name.");
        }

        if (File.Exists(path) && !overwrite)
        {
            throw new PortalValidationException("file", $"{path} exists; add --force to replace it.");
        }

        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            throw new PortalValidationException("file", $"No such folder: {folder}");
        }

        // Written beside the target and moved into place once checked, so a failed backup never leaves a half file
        // under the name a restore would use.
        var partial = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            await using (var live = new SqliteConnection(source.ConnectionString))
            await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ToString()))
            {
                await live.OpenAsync(cancellationToken);
                await copy.OpenAsync(cancellationToken);
                live.BackupDatabase(copy);
                await using var check = copy.CreateCommand();
                check.CommandText = "PRAGMA quick_check";
                if (await check.ExecuteScalarAsync(cancellationToken) is not "ok")
                {
                    throw new InvalidOperationException("The backup failed its integrity check.");
                }
            }

            File.Move(partial, path, overwrite);
            return path;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Replaces the configured database with the backup at <paramref name="backupFile"/>, through the same backup API
    /// (so the write-ahead log is handled by SQLite). Refuses while any other connection has the database open (a
    /// running server): it would keep serving calls from what it has in memory, out of step with the restored rows.
    /// </summary>
    public async Task RestoreAsync(string backupFile, CancellationToken cancellationToken = default)
    {
        var (connectionString, file) = await SourceAsync(cancellationToken);
        var path = Path.GetFullPath(backupFile);
        if (!File.Exists(path))
        {
            throw new PortalValidationException("file", $"No such file: {path}");
        }

        if (string.Equals(path, file, StringComparison.Ordinal))
        {
            throw new PortalValidationException("file", "That is the database itself; give the backup file.");
        }

        var backupConnection = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var backup = new SqliteConnection(backupConnection.ToString());
        try
        {
            await backup.OpenAsync(cancellationToken);
            await using var check = backup.CreateCommand();
            check.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\"";
            await check.ExecuteScalarAsync(cancellationToken);
            check.CommandText = "PRAGMA quick_check";
            if (await check.ExecuteScalarAsync(cancellationToken) is not "ok")
            {
                throw new PortalValidationException("file", $"{path} is damaged (it fails SQLite's integrity check).");
            }
        }
        catch (SqliteException)
        {
            throw new PortalValidationException("file", $"{path} is not a Portal database backup.");
        }

        // This process's own pooled connections (from start-up's migration) would count as users of the database.
        SqliteConnection.ClearAllPools();
        var liveConnection = new SqliteConnectionStringBuilder(connectionString) { Pooling = false, DefaultTimeout = 1 };
        await using var live = new SqliteConnection(liveConnection.ToString());
        await live.OpenAsync(cancellationToken);
        await using var mode = live.CreateCommand();
        try
        {
            // Leaving WAL mode needs the only connection to the file: it fails while a server (or anything) has it open.
            mode.CommandText = "PRAGMA journal_mode=DELETE";
            await mode.ExecuteScalarAsync(cancellationToken);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            throw new PortalValidationException("", "The database is in use (is the server running?). Stop the service, then restore.");
        }

        backup.BackupDatabase(live);
        mode.CommandText = "PRAGMA journal_mode=WAL";
        await mode.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<(string ConnectionString, string File)> SourceAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsSqlite())
        {
            throw new PortalValidationException("", "db backup and db restore work on SQLite databases only; for PostgreSQL use its own tools (pg_dump and pg_restore).");
        }

        // SQLite itself says where the main database lives: an empty file name is an in-memory database, however
        // the connection string spelled it (":memory:", Mode=Memory, or a file: URI with mode=memory).
        var connectionString = db.Database.GetConnectionString()!;
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT file FROM pragma_database_list WHERE name = 'main'";
        if (await command.ExecuteScalarAsync(cancellationToken) is not string { Length: > 0 } file)
        {
            throw new PortalValidationException("", "The database is in memory; there is no file to back up.");
        }

        return (connectionString, Path.GetFullPath(file));
    }
}

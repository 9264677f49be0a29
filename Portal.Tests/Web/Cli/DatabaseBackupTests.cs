using Microsoft.Data.Sqlite;
using Portal.Cli;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Cli;

public sealed class DatabaseBackupTests : IAsyncDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-backup-").FullName;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<PortalTestHost> FileHostAsync() => PortalTestHost.StartAsync(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(folder, "portal.db")}",
    });

    private static async Task<(int Exit, string Out, string Err)> RunAsync(PortalTestHost host, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AdminCommandLine.RunAsync(host.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [SqliteOnlyFact]
    public async Task DbBackup_WhileRowsAreWritten_KeepsEveryRowCommittedBeforeItStarted()
    {
        await using var host = await FileHostAsync();
        var audit = host.Get<AuditLog>();
        var committed = 0;
        using var stop = new CancellationTokenSource();
        // A writer commits one row after another for as long as the backup runs, as the server does with call records.
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await audit.WriteAsync("writer", "test.row", $"row {committed + 1}");
                Interlocked.Increment(ref committed);
            }
        });
        while (Volatile.Read(ref committed) < 200)
        {
            await Task.Yield();
        }

        var committedBefore = Volatile.Read(ref committed);
        var target = Path.Combine(folder, "backup.db");
        var result = await RunAsync(host, "db", "backup", target);
        await stop.CancelAsync();
        await writer;

        Assert.True(result.Exit == 0, result.Err);
        Assert.Contains("Backed up the database to", result.Out);
        // Restore as an operator would: open the copy as the database.
        await using var restored = new SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False");
        await restored.OpenAsync();
        await using var rows = restored.CreateCommand();
        rows.CommandText = "SELECT Target FROM AuditEntries WHERE Actor = 'writer'";
        var backedUp = new HashSet<string>();
        await using (var reader = await rows.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                backedUp.Add(reader.GetString(0));
            }
        }

        for (var row = 1; row <= committedBefore; row++)
        {
            Assert.Contains($"row {row}", backedUp);
        }

        await using var users = restored.CreateCommand();
        users.CommandText = "SELECT COUNT(*) FROM AspNetUsers WHERE UserName = 'admin'";
        Assert.Equal(1L, (long)(await users.ExecuteScalarAsync())!);
    }

    [SqliteOnlyFact]
    public async Task DbRestore_RefusedWhileTheDatabaseIsOpen_ThenBringsBackTheBackedUpRows()
    {
        await using var host = await FileHostAsync();
        var audit = host.Get<AuditLog>();
        await audit.WriteAsync("alice", "dialplan.update", "before the backup");
        var target = Path.Combine(folder, "backup.db");
        Assert.Equal(0, (await RunAsync(host, "db", "backup", target)).Exit);
        await audit.WriteAsync("alice", "dialplan.delete", "after the backup");

        // Another process (a running server) holding the database open.
        await using (var server = new SqliteConnection($"Data Source={Path.Combine(folder, "portal.db")};Pooling=False"))
        {
            await server.OpenAsync();
            await using var read = server.CreateCommand();
            read.CommandText = "SELECT COUNT(*) FROM AuditEntries";
            await read.ExecuteScalarAsync();
            var refused = await RunAsync(host, "db", "restore", target);
            Assert.Equal(AdminCommands.ExitInvalid, refused.Exit);
            Assert.Contains("in use", refused.Err);
        }

        var restored = await RunAsync(host, "db", "restore", target);
        Assert.True(restored.Exit == 0, restored.Err);
        await using var db = await host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>().CreateDbContextAsync();
        var targets = db.AuditEntries.Select(a => a.Target).ToList();
        Assert.Contains("before the backup", targets);
        Assert.DoesNotContain("after the backup", targets);
    }

    [SqliteOnlyFact]
    public async Task DbRestore_NotABackup_RefusesAndChangesNothing()
    {
        await using var host = await FileHostAsync();
        var bogus = Path.Combine(folder, "notes.txt");
        await File.WriteAllTextAsync(bogus, "not a database at all, just some text that is long enough to have a header");

        var result = await RunAsync(host, "db", "restore", bogus);

        Assert.Equal(AdminCommands.ExitInvalid, result.Exit);
        Assert.Contains("not a Portal database backup", result.Err);
        await using var db = await host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>().CreateDbContextAsync();
        Assert.Contains("admin", db.Users.Select(u => u.UserName).ToList());
    }

    [SqliteOnlyFact]
    public async Task DbBackup_TargetExists_RefusesUnlessForce()
    {
        await using var host = await FileHostAsync();
        var target = Path.Combine(folder, "backup.db");
        await File.WriteAllTextAsync(target, "precious");

        var refused = await RunAsync(host, "db", "backup", target);
        Assert.Equal(AdminCommands.ExitInvalid, refused.Exit);
        Assert.Contains("exists; add --force", refused.Err);
        Assert.Equal("precious", await File.ReadAllTextAsync(target));

        var forced = await RunAsync(host, "db", "backup", target, "--force");
        Assert.True(forced.Exit == 0, forced.Err);
        Assert.NotEqual("precious", await File.ReadAllTextAsync(target));
    }

    [SqliteOnlyFact]
    public async Task DbBackup_InMemoryDatabase_RefusesWithAClearMessage()
    {
        var memory = $"Data Source=backup-test-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
        // A shared in-memory database lives while a connection to it is open.
        await using var keepAlive = new SqliteConnection(memory);
        await keepAlive.OpenAsync();
        await using var host = await PortalTestHost.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:Portal"] = memory });
        var target = Path.Combine(folder, "backup.db");

        var result = await RunAsync(host, "db", "backup", target);

        Assert.Equal(AdminCommands.ExitInvalid, result.Exit);
        Assert.Contains("in memory", result.Err);
        Assert.False(File.Exists(target));
    }

    [PostgresOnlyFact]
    public async Task DbBackupAndRestore_OnPostgres_NamePgDumpAndWriteNothing()
    {
        await using var host = await PortalTestHost.StartAsync();
        var target = Path.Combine(folder, "backup.db");
        File.WriteAllText(Path.Combine(folder, "old.db"), "an old backup");

        var backup = await RunAsync(host, "db", "backup", target);
        var restore = await RunAsync(host, "db", "restore", Path.Combine(folder, "old.db"));

        Assert.Equal(AdminCommands.ExitInvalid, backup.Exit);
        Assert.Contains("pg_dump", backup.Err);
        Assert.False(File.Exists(target));
        Assert.Equal(AdminCommands.ExitInvalid, restore.Exit);
        Assert.Contains("pg_restore", restore.Err);
        Assert.NotNull(await host.Get<Microsoft.AspNetCore.Identity.UserManager<Portal.Data.Entities.PortalUser>>().FindByNameAsync("admin"));
    }
}

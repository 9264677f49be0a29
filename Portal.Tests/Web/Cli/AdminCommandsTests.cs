using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.Cli;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Cli;

public sealed class AdminCommandsTests : IAsyncLifetime
{
    private PortalTestHost host = null!;

    public async Task InitializeAsync() => host = await PortalTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AdminCommandLine.RunAsync(host.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task UserAdd_ThenSipAccountAndDialplanAndKey_AllWork()
    {
        var user = await RunAsync("user", "add", "alice", "--email", "alice@example.test", "--password", "alice-password");
        Assert.Equal(0, user.Exit);

        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, DialplanTemplates.Outgoing);
        var dialplan = await RunAsync("dialplan", "set", "alice", "default", "--file", file);
        Assert.Equal(0, dialplan.Exit);
        Assert.Contains("version 1", dialplan.Out);

        var account = await RunAsync("sip-account", "add", "alice", "alice", "--password", "s3cret-pass", "--out-dialplan", "default");
        Assert.Equal(0, account.Exit);

        var key = await RunAsync("key", "create", "alice", "--name", "tropo");
        Assert.Equal(0, key.Exit);
        var printed = key.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        Assert.StartsWith("pk_", printed);

        var caller = new PortalCaller((await host.Get<Microsoft.AspNetCore.Identity.UserManager<Portal.Data.Entities.PortalUser>>()
            .FindByNameAsync("alice"))!.Id, "alice", false);
        var accounts = await host.Get<SipAccountService>().ListAsync(caller);
        Assert.Equal("default", Assert.Single(accounts).OutDialplanName);
        Assert.Equal(printed[3..11], Assert.Single(await host.Get<CallManagerKeyService>().ListAsync(caller)).Prefix);
    }

    [Fact]
    public async Task SipAccountAdd_WithCallersMayTransfer_SetsTheSwitch_WithoutIt_ItStaysOff()
    {
        Assert.Equal(0, (await RunAsync("user", "add", "alice", "--email", "alice@example.test", "--password", "alice-password")).Exit);

        var open = await RunAsync("sip-account", "add", "alice", "alice-front", "--password", "s3cret-pass", "--callers-may-transfer");
        var closed = await RunAsync("sip-account", "add", "alice", "alice-desk", "--password", "s3cret-pass");

        Assert.Equal((0, 0), (open.Exit, closed.Exit));
        Assert.Contains("its callers may transfer its calls", open.Out);
        var caller = new PortalCaller((await host.Get<Microsoft.AspNetCore.Identity.UserManager<Portal.Data.Entities.PortalUser>>()
            .FindByNameAsync("alice"))!.Id, "alice", false);
        var accounts = await host.Get<SipAccountService>().ListAsync(caller);
        Assert.Equal([("alice-desk", false), ("alice-front", true)], accounts.Select(a => (a.Username, a.CallersMayTransfer)));
    }

    [Fact]
    public async Task UserAdd_BadUsername_ExplainsAndExitsNonZero()
    {
        var result = await RunAsync("user", "add", "A!", "--email", "x@example.test", "--password", "long-enough-1");
        Assert.NotEqual(0, result.Exit);
        Assert.Contains("lower-case letters", result.Err);
    }

    [Fact]
    public async Task SipAccountAdd_UnknownOwner_ExplainsAndExitsNonZero()
    {
        var result = await RunAsync("sip-account", "add", "nobody", "phone", "--password", "s3cret-pass");
        Assert.NotEqual(0, result.Exit);
        Assert.Contains("No portal user named 'nobody'", result.Err);
    }

    [Fact]
    public async Task DialplanSet_MissingFile_ExitsTwo()
    {
        await RunAsync("user", "add", "alice", "--email", "alice@example.test", "--password", "alice-password");
        var result = await RunAsync("dialplan", "set", "alice", "default", "--file", "/nonexistent/dialplan.rb");
        Assert.Equal(2, result.Exit);
        Assert.Contains("No such file", result.Err);
    }

    [Fact]
    public async Task DialplanSet_InvalidRules_PrintsLineColumnErrorsAndExitsTwo()
    {
        await RunAsync("user", "add", "alice", "--email", "alice@example.test", "--password", "alice-password");
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.rules");
        await File.WriteAllTextAsync(file, "# transfer\nwhen /^1$/ then sys.Dial(\"a@example.com\")\nwhen /(/ then sys.Log(\"x\")\n");

        var result = await RunAsync("dialplan", "set", "alice", "transfer", "--file", file);

        Assert.Equal(2, result.Exit);
        Assert.Contains($"{Path.GetFileName(file)}:3:", result.Err);
        Assert.Contains("not saved", result.Err);
        File.Delete(file);
    }

    [Fact]
    public async Task DialplanSet_LegToAPrivateAddress_SavesAndPrintsALineColumnWarning()
    {
        await RunAsync("user", "add", "alice", "--email", "alice@example.test", "--password", "alice-password");
        var file = Path.Combine(Path.GetTempPath(), $"pbx-{Guid.NewGuid():N}.rules");
        await File.WriteAllTextAsync(file, "when /^1$/ then sys.Dial(\"pbx@192.168.1.20\")\n");

        var result = await RunAsync("dialplan", "set", "alice", "default", "--file", file);

        Assert.Equal(0, result.Exit);
        Assert.Contains("version 1", result.Out);
        Assert.Contains($"{Path.GetFileName(file)}:1:31: warning: This service refuses this leg (Forbidden - direct dialling to this network is not allowed)", result.Err);
        File.Delete(file);
    }

    [Fact]
    public async Task CallsList_PrintsCallsStillInProgressOnly()
    {
        var alice = await host.CreateUserAsync("alice");
        await using (var db = await host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>().CreateDbContextAsync())
        {
            var now = DateTime.UtcNow;
            db.CallRecords.Add(new Portal.Data.Entities.CallRecord { OwnerId = alice.UserId, CallerCallId = "live-1", CalleeCallId = "b-1", From = "alice", To = "232", StartedAt = now.AddSeconds(-70), AnsweredAt = now.AddSeconds(-65), Status = Portal.Data.Entities.CallStatus.Answered });
            db.CallRecords.Add(new Portal.Data.Entities.CallRecord { OwnerId = alice.UserId, CallerCallId = "done-1", From = "alice", To = "999", StartedAt = now.AddHours(-1), EndedAt = now.AddMinutes(-59), Status = Portal.Data.Entities.CallStatus.Completed });
            await db.SaveChangesAsync();
        }

        var result = await RunAsync("calls", "list");

        Assert.Equal(0, result.Exit);
        Assert.Contains("live-1 / b-1", result.Out);
        Assert.Contains("answered", result.Out);
        Assert.DoesNotContain("done-1", result.Out);
    }

    [Fact]
    public async Task CallsList_NothingInProgress_SaysSo()
    {
        var result = await RunAsync("calls", "list");
        Assert.Equal(0, result.Exit);
        Assert.Contains("No calls in progress.", result.Out);
    }

    [Theory]
    [InlineData(new[] { "provider", "add" }, true)]
    [InlineData(new[] { "db", "backup", "x.db" }, true)]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5080" }, false)]
    [InlineData(new[] { "urls=http://127.0.0.1:5080" }, false)]
    [InlineData(new string[0], false)]
    public void IsCommand_AnyWord_IsACommand_HostOptionsStartTheServer(string[] args, bool command) =>
        Assert.Equal(command, AdminCommandLine.IsCommand(args));

    [Fact]
    public async Task UnknownCommand_SaysWhatIsWrongAndExitsNonZero()
    {
        var result = await RunAsync("trunk", "add", "alice", "trunk");

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("'trunk'", result.Err);
    }

    [Fact]
    public async Task MissingRequiredOption_IsAParseErrorWithNonZeroExit()
    {
        var result = await RunAsync("user", "add", "alice");
        Assert.NotEqual(0, result.Exit);
        Assert.Contains("--email", result.Err);
    }

    [SqliteOnlyFact]
    public async Task PortalBinary_UserAddWithConnectionStringOverride_CreatesTheDatabaseAndUser()
    {
        var db = Path.Combine(Path.GetTempPath(), $"portal-cli-{Guid.NewGuid():N}.db");
        try
        {
            var portalDll = Path.Combine(AppContext.BaseDirectory, "Portal.dll");
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { portalDll, "user", "add", "carol", "--email", "carol@example.test", "--password", "carol-password", $"--ConnectionStrings:Portal=Data Source={db}" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            using var process = Process.Start(start)!;
            var stdout = await process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, stdout + stderr);
            Assert.Contains("Created user carol", stdout);

            await using var connection = new SqliteConnection($"Data Source={db}");
            await connection.OpenAsync();
            var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM AspNetUsers WHERE UserName IN ('carol', 'admin')";
            Assert.Equal(2L, (long)(await command.ExecuteScalarAsync())!);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(db);
        }
    }

    [Fact]
    public async Task UserResetPassword_WithoutPassword_PrintsAGeneratedOneOnceThatSignsIn()
    {
        await RunAsync("user", "add", "alice", "--email", "alice@example.test", "--password", "alice-password");

        var result = await RunAsync("user", "reset-password", "alice");

        Assert.Equal(0, result.Exit);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("not shown again", lines[0]);
        var printed = lines.Last();
        Assert.Equal(RandomPassword.DefaultLength, printed.Length);
        Assert.True(await PasswordWorksAsync("alice", printed));
        Assert.False(await PasswordWorksAsync("alice", "alice-password"));
    }

    [Fact]
    public async Task UserResetPassword_WithPassword_SetsItAndDoesNotPrintIt()
    {
        await RunAsync("user", "add", "alice", "--email", "alice@example.test", "--password", "alice-password");

        var result = await RunAsync("user", "reset-password", "alice", "--password", "given-at-the-shell");

        Assert.Equal(0, result.Exit);
        Assert.DoesNotContain("given-at-the-shell", result.Out);
        Assert.True(await PasswordWorksAsync("alice", "given-at-the-shell"));
    }

    [Fact]
    public async Task UserResetPassword_UnknownUserOrShortPassword_ExplainsAndExitsNonZero()
    {
        await RunAsync("user", "add", "alice", "--email", "alice@example.test", "--password", "alice-password");

        var unknown = await RunAsync("user", "reset-password", "nobody");
        var tooShort = await RunAsync("user", "reset-password", "alice", "--password", "short");

        Assert.NotEqual(0, unknown.Exit);
        Assert.Contains("No portal user named 'nobody'", unknown.Err);
        Assert.NotEqual(0, tooShort.Exit);
        Assert.Contains("at least 8 characters", tooShort.Err);
        Assert.True(await PasswordWorksAsync("alice", "alice-password"));
    }

    private async Task<bool> PasswordWorksAsync(string userName, string password)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Data.Entities.PortalUser>>();
        return await users.CheckPasswordAsync((await users.FindByNameAsync(userName))!, password);
    }
}

using System.CommandLine;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;

namespace Portal.Cli;

/// <summary>
/// The commands themselves. Each goes through the same services and validation as the portal, acting as the
/// owner it names; a validation failure prints what to fix and exits non-zero.
/// </summary>
internal sealed partial class AdminCommands(IServiceProvider services, TextWriter output, TextWriter error)
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitInvalid = 2;

    /// <summary>The operator at the command line acts as an admin and is audited as "cli".</summary>
    private static readonly PortalCaller CliAdmin = new("", "cli", IsAdmin: true);

    public Command UserCommand()
    {
        var username = new Argument<string>("username") { Description = "Short account name: [a-z0-9._-], 3 to 32 characters" };
        var email = new Option<string>("--email") { Description = "Email address", Required = true };
        var password = new Option<string>("--password") { Description = "Portal password (at least 8 characters)", Required = true };
        var admin = new Option<bool>("--admin") { Description = "Give the user the Admin role" };
        var add = new Command("add", "Create a portal user") { username, email, password, admin };
        add.SetAction((result, ct) => RunAsync(async scope =>
        {
            var user = await scope.GetRequiredService<UserAccountService>().CreateAsync(result.GetValue(username)!,
                result.GetValue(email)!, result.GetValue(password)!, result.GetValue(admin), actor: "cli", ct);
            await output.WriteLineAsync($"Created user {user.UserName}{(result.GetValue(admin) ? " (admin)" : "")}.");
        }));
        var resetUser = new Argument<string>("username") { Description = "The portal user whose password is reset" };
        var newPassword = new Option<string?>("--password") { Description = "The new password (at least 8 characters); without it one is generated and printed once" };
        var reset = new Command("reset-password", "Set a new portal password for a user; their open sessions end") { resetUser, newPassword };
        reset.SetAction((result, ct) => RunAsync(async scope =>
        {
            var userName = result.GetValue(resetUser)!.Trim();
            var user = await scope.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(userName)
                ?? throw new PortalValidationException("username", $"No portal user named '{userName}'.");
            var chosen = result.GetValue(newPassword);
            var password = await scope.GetRequiredService<UserAdminService>().ResetPasswordAsync(CliAdmin, user.Id, chosen, ct);
            if (string.IsNullOrEmpty(chosen))
            {
                await output.WriteLineAsync($"Reset the password of {user.UserName}. Hand it over now; it is not shown again:");
                await output.WriteLineAsync(password);
            }
            else
            {
                await output.WriteLineAsync($"Reset the password of {user.UserName}.");
            }
        }));
        return new Command("user", "Manage portal users") { add, reset };
    }

    public Command SipAccountCommand()
    {
        var owner = new Argument<string>("owner") { Description = "The portal user who owns the account" };
        var sipUser = new Argument<string>("sipuser") { Description = "SIP username" };
        var password = new Option<string>("--password") { Description = $"SIP password, {SipAccountService.MinPasswordLength} to {SipAccountService.MaxPasswordLength} characters (stored only as digest hashes)", Required = true };
        var outDialplan = new Option<string?>("--out-dialplan") { Description = "Dialplan for calls the account places" };
        var inDialplan = new Option<string?>("--in-dialplan") { Description = "Dialplan for calls to the account" };
        var callersMayTransfer = new Option<bool>("--callers-may-transfer")
        {
            Description = "Let the other party of the account's calls transfer them with REFER (off by default)",
        };
        var add = new Command("add", "Create a SIP account") { owner, sipUser, password, outDialplan, inDialplan, callersMayTransfer };
        add.SetAction((result, ct) => RunAsync(async scope =>
        {
            var caller = await OwnerAsync(scope, result.GetValue(owner)!);
            var account = await scope.GetRequiredService<SipAccountService>().CreateAsync(caller, new SipAccountInput
            {
                Username = result.GetValue(sipUser)!,
                Password = result.GetValue(password),
                OutDialplanName = result.GetValue(outDialplan),
                InDialplanName = result.GetValue(inDialplan),
                CallersMayTransfer = result.GetValue(callersMayTransfer),
            }, ct);
            await output.WriteLineAsync($"Created SIP account {account.Username} for {caller.UserName}"
                + (account.CallersMayTransfer ? "; its callers may transfer its calls." : "."));
        }));
        return new Command("sip-account", "Manage SIP accounts") { add };
    }

    public Command DialplanCommand()
    {
        var owner = new Argument<string>("owner") { Description = "The portal user who owns the dialplan" };
        var name = new Argument<string>("name") { Description = "Dialplan name ('transfer' handles blind transfers)" };
        var file = new Option<FileInfo>("--file") { Description = "File with the dialplan source", Required = true };
        var set = new Command("set", "Create a dialplan or replace its source") { owner, name, file };
        set.SetAction((result, ct) => RunAsync(async scope =>
        {
            var caller = await OwnerAsync(scope, result.GetValue(owner)!);
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                throw new PortalValidationException("--file", $"No such file: {path.FullName}");
            }

            var source = await File.ReadAllTextAsync(path.FullName, ct);
            try
            {
                var dialplans = scope.GetRequiredService<DialplanService>();
                var saved = await dialplans.SetAsync(caller, result.GetValue(name)!, source, ct);
                await output.WriteLineAsync($"Saved dialplan {saved.Name} for {caller.UserName} (version {saved.Version}).");
                // Saved all the same: the direct-dialling policy is the admin's and may change.
                foreach (var warning in (await dialplans.CheckAsync(caller, source, ct)).Warnings)
                {
                    await error.WriteLineAsync($"{path.Name}:{warning}");
                }
            }
            catch (DialplanInvalidException ex)
            {
                // One line per error, file:line:column, as compilers print them; nothing was saved.
                foreach (var problem in ex.Errors)
                {
                    await error.WriteLineAsync($"{path.Name}:{problem.Line}:{problem.Column}: {problem.Message}");
                }

                throw new PortalValidationException("", $"{ex.Errors.Count} error(s) in {path.Name}; the dialplan was not saved.");
            }
        }));
        return new Command("dialplan", "Manage dialplans") { set };
    }

    public Command KeyCommand()
    {
        var owner = new Argument<string>("owner") { Description = "The portal user the key acts for" };
        var name = new Option<string?>("--name") { Description = "A name to tell keys apart" };
        var create = new Command("create", "Create a call manager key; it is printed once") { owner, name };
        create.SetAction((result, ct) => RunAsync(async scope =>
        {
            var caller = await OwnerAsync(scope, result.GetValue(owner)!);
            var key = await scope.GetRequiredService<CallManagerKeyService>().CreateAsync(caller, result.GetValue(name), ct);
            await output.WriteLineAsync($"Created call manager key '{key.Name}' for {caller.UserName}. Store it now; it is not shown again:");
            await output.WriteLineAsync(key.Key);
        }));
        return new Command("key", "Manage call manager keys") { create };
    }

    public Command CallsCommand()
    {
        var owner = new Option<string?>("--owner") { Description = "Only this portal user's calls" };
        var list = new Command("list", "List the calls in progress, as the Calls page shows them") { owner };
        list.SetAction((result, ct) => RunAsync(async scope =>
        {
            // The server owns live calls in its memory; this separate process reads what it records as calls
            // progress: every call not yet ended.
            var ownerName = result.GetValue(owner);
            string? ownerId = null;
            if (ownerName is not null)
            {
                ownerId = (await OwnerAsync(scope, ownerName)).UserId;
            }

            var now = scope.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            await using var db = await scope.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
            var open = await db.CallRecords.AsNoTracking()
                .Where(c => c.EndedAt == null && (ownerId == null || c.OwnerId == ownerId))
                .OrderBy(c => c.StartedAt)
                .Select(c => new { Owner = c.Owner!.UserName, c.From, c.To, c.Status, c.StartedAt, c.AnsweredAt, c.CallerCallId, c.CalleeCallId })
                .ToListAsync(ct);
            if (open.Count == 0)
            {
                await output.WriteLineAsync("No calls in progress.");
                return;
            }

            await output.WriteLineAsync($"{"OWNER",-16} {"FROM",-20} {"TO",-24} {"STATE",-10} {"DURATION",8}  CALLER CALL-ID / CALLEE CALL-ID");
            foreach (var call in open)
            {
                var since = call.AnsweredAt ?? call.StartedAt;
                var state = call.AnsweredAt is null ? "ringing" : "answered";
                var duration = TimeSpan.FromSeconds(Math.Max(0, (int)(now - since).TotalSeconds));
                await output.WriteLineAsync(
                    $"{call.Owner,-16} {call.From,-20} {call.To,-24} {state,-10} {FormatDuration(duration),8}  {call.CallerCallId} / {call.CalleeCallId ?? "-"}");
            }
        }));
        return new Command("calls", "Calls in progress") { list };
    }

    public Command DatabaseCommand()
    {
        var file = new Argument<FileInfo>("file") { Description = "Where to write the backup" };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists" };
        var backup = new Command("backup", "Copy the SQLite database to a file, safely while the server runs") { file, force };
        backup.SetAction((result, ct) => RunAsync(async scope =>
        {
            var written = await scope.GetRequiredService<DatabaseBackup>().BackupAsync(result.GetValue(file)!.FullName, result.GetValue(force), ct);
            await output.WriteLineAsync($"Backed up the database to {written} ({new FileInfo(written).Length:N0} bytes).");
        }));
        var source = new Argument<FileInfo>("file") { Description = "A backup made with 'db backup'" };
        var restore = new Command("restore", "Replace the database with a backup; the service must be stopped") { source };
        restore.SetAction((result, ct) => RunAsync(async scope =>
        {
            var path = result.GetValue(source)!.FullName;
            await scope.GetRequiredService<DatabaseBackup>().RestoreAsync(path, ct);
            await output.WriteLineAsync($"Restored the database from {path}. Start the service.");
        }));
        return new Command("db", "Database backup and restore") { backup, restore };
    }

    private static string FormatDuration(TimeSpan duration) =>
        duration.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<int> RunAsync(Func<IServiceProvider, Task> action)
    {
        await using var scope = services.CreateAsyncScope();
        try
        {
            await action(scope.ServiceProvider);
            return ExitOk;
        }
        catch (PortalValidationException ex)
        {
            await error.WriteLineAsync(ex.Field.Length > 0 ? $"error: {ex.Field}: {ex.Message}" : $"error: {ex.Message}");
            return ExitInvalid;
        }
        catch (PortalNotFoundException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return ExitFailed;
        }
    }

    private static async Task<PortalCaller> OwnerAsync(IServiceProvider scope, string userName)
    {
        var users = scope.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByNameAsync(userName.Trim())
            ?? throw new PortalValidationException("owner", $"No portal user named '{userName}'. Create it with 'user add' first.");
        return new PortalCaller(user.Id, user.UserName!, await users.IsInRoleAsync(user, PortalCaller.AdminRole));
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>Admin → Users: every method refuses callers who are not admins.</summary>
public sealed class UserAdminService(
    IDbContextFactory<PortalDbContext> dbFactory,
    UserManager<PortalUser> userManager,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>The highest concurrent-call cap an admin may give one user.</summary>
    public const int MaxCallLimit = 1000;

    /// <summary>The highest hourly or daily call limit an admin may give one user (0 is unlimited).</summary>
    public const int MaxVelocityLimit = 100_000;

    public async Task<IReadOnlyList<UserSummary>> ListAsync(PortalCaller caller, string? search, CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var adminRoleId = await db.Roles.Where(r => r.Name == PortalCaller.AdminRole).Select(r => r.Id).SingleOrDefaultAsync(cancellationToken);
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToUpperInvariant();
            query = query.Where(u => u.NormalizedUserName!.Contains(term) || u.NormalizedEmail!.Contains(term));
        }

        var users = await query.OrderBy(u => u.UserName).Take(500)
            .Select(u => new
            {
                u.Id, u.UserName, u.Email, u.IsSuspended, u.SuspendedReason, u.CreatedAt, u.LockoutEnd, u.MaxConcurrentCalls,
                u.MaxCallsPerHour, u.MaxCallsPerDay,
                IsAdmin = db.UserRoles.Any(r => r.UserId == u.Id && r.RoleId == adminRoleId),
            })
            .ToListAsync(cancellationToken);
        return users.Select(u => new UserSummary(u.Id, u.UserName!, u.Email, u.IsAdmin, u.IsSuspended, u.SuspendedReason,
            u.CreatedAt, u.LockoutEnd, u.MaxConcurrentCalls, u.MaxCallsPerHour, u.MaxCallsPerDay)).ToList();
    }

    /// <summary>Suspends a user: they cannot sign in and their open sessions end (the security stamp changes).</summary>
    public async Task SuspendAsync(PortalCaller caller, string userId, string reason, CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new PortalValidationException("Reason", "Give a reason; the user's record keeps it.");
        }

        if (userId == caller.UserId)
        {
            throw new PortalValidationException("", "You cannot suspend yourself.");
        }

        var user = await FindAsync(userId);
        user.IsSuspended = true;
        user.SuspendedReason = reason.Trim().Length > 500 ? reason.Trim()[..500] : reason.Trim();
        user.SuspendedAt = time.GetUtcNow().UtcDateTime;
        Check(await userManager.UpdateAsync(user));
        Check(await userManager.UpdateSecurityStampAsync(user));
        await audit.WriteAsync(caller.AuditName, "user.suspend", user.UserName!, user.SuspendedReason, cancellationToken: cancellationToken);
    }

    public async Task UnsuspendAsync(PortalCaller caller, string userId, CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller);
        var user = await FindAsync(userId);
        user.IsSuspended = false;
        user.SuspendedReason = null;
        user.SuspendedAt = null;
        Check(await userManager.UpdateAsync(user));
        await audit.WriteAsync(caller.AuditName, "user.unsuspend", user.UserName!, cancellationToken: cancellationToken);
    }

    public async Task SetAdminAsync(PortalCaller caller, string userId, bool admin, CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller);
        if (!admin && userId == caller.UserId)
        {
            throw new PortalValidationException("", "You cannot revoke your own admin role; ask another admin.");
        }

        var user = await FindAsync(userId);
        var isAdmin = await userManager.IsInRoleAsync(user, PortalCaller.AdminRole);
        if (isAdmin == admin)
        {
            return;
        }

        Check(admin
            ? await userManager.AddToRoleAsync(user, PortalCaller.AdminRole)
            : await userManager.RemoveFromRoleAsync(user, PortalCaller.AdminRole));
        // A role change must reach the user's open sessions too.
        Check(await userManager.UpdateSecurityStampAsync(user));
        await audit.WriteAsync(caller.AuditName, admin ? "user.grant-admin" : "user.revoke-admin", user.UserName!,
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Sets how many calls the user may have at once (DESIGN §5 "Limits"); null goes back to the service's
    /// <c>Sip:MaxConcurrentCallsPerOwner</c>. Calls already up are kept; the cap applies from the next call.
    /// </summary>
    public async Task SetCallLimitAsync(PortalCaller caller, string userId, int? limit, CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller);
        if (limit is < 1 or > MaxCallLimit)
        {
            throw new PortalValidationException("MaxConcurrentCalls",
                $"Give a number of calls from 1 to {MaxCallLimit}, or leave it empty for the service default.");
        }

        var user = await FindAsync(userId);
        if (user.MaxConcurrentCalls == limit)
        {
            return;
        }

        user.MaxConcurrentCalls = limit;
        Check(await userManager.UpdateAsync(user));
        await audit.WriteAsync(caller.AuditName, "user.call-limit", user.UserName!,
            limit is { } calls ? $"{calls} calls at once" : "the service default", cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Gives a user a new portal password, <paramref name="password"/> or a generated one, and returns it so the
    /// admin can hand it over once. The user's open sessions end (the security stamp changes, as on suspension)
    /// and a lockout from failed attempts is lifted. Admins change their own password under "Your account".
    /// </summary>
    public async Task<string> ResetPasswordAsync(PortalCaller caller, string userId, string? password,
        CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller);
        if (userId == caller.UserId)
        {
            throw new PortalValidationException("", "Change your own password under Your account.");
        }

        var user = await FindAsync(userId);
        var generated = string.IsNullOrEmpty(password);
        var newPassword = generated ? RandomPassword.Create() : password!;
        // A reset token rather than remove-then-add: one step, the password validators run first, and on
        // success Identity changes the security stamp itself.
        var token = await userManager.GeneratePasswordResetTokenAsync(user);
        var result = await userManager.ResetPasswordAsync(user, token, newPassword);
        if (!result.Succeeded)
        {
            throw new PortalValidationException("Password", string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        Check(await userManager.SetLockoutEndDateAsync(user, null));
        Check(await userManager.ResetAccessFailedCountAsync(user));
        await audit.WriteAsync(caller.AuditName, "user.password-reset", user.UserName!,
            generated ? "a generated password" : "a password the admin chose", cancellationToken: cancellationToken);
        return newPassword;
    }

    /// <summary>
    /// Sets how many calls the user's configuration may start per hour and per day (DESIGN §10 velocity limits);
    /// 0 is unlimited, null goes back to the service's <c>Sip:MaxCallsPerHourPerOwner</c> /
    /// <c>Sip:MaxCallsPerDayPerOwner</c>. Takes effect from the next call.
    /// </summary>
    public async Task SetCallVelocityAsync(PortalCaller caller, string userId, int? perHour, int? perDay, CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller);
        foreach (var (field, value) in new[] { ("MaxCallsPerHour", perHour), ("MaxCallsPerDay", perDay) })
        {
            if (value is < 0 or > MaxVelocityLimit)
            {
                throw new PortalValidationException(field,
                    $"Give a number of calls from 0 (unlimited) to {MaxVelocityLimit}, or leave it empty for the service default.");
            }
        }

        var user = await FindAsync(userId);
        if (user.MaxCallsPerHour == perHour && user.MaxCallsPerDay == perDay)
        {
            return;
        }

        user.MaxCallsPerHour = perHour;
        user.MaxCallsPerDay = perDay;
        Check(await userManager.UpdateAsync(user));
        await audit.WriteAsync(caller.AuditName, "user.call-velocity", user.UserName!,
            $"per hour: {Describe(perHour)}; per day: {Describe(perDay)}", cancellationToken: cancellationToken);
    }

    private static string Describe(int? limit) => limit switch
    {
        null => "the service default",
        0 => "unlimited",
        { } calls => calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<PortalUser> FindAsync(string userId) =>
        await userManager.FindByIdAsync(userId) ?? throw new PortalNotFoundException("The user");

    private static void RequireAdmin(PortalCaller caller)
    {
        if (!caller.IsAdmin)
        {
            throw new UnauthorizedAccessException("Only admins manage users.");
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new PortalValidationException("", string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}

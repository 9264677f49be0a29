using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>Creates portal users with the same rules for sign-up, the admin command and the admin bootstrap.</summary>
public sealed partial class UserAccountService(UserManager<PortalUser> userManager, AuditLog audit, TimeProvider time)
{
    public async Task<PortalUser> CreateAsync(string userName, string email, string password, bool admin, string actor,
        CancellationToken cancellationToken = default)
    {
        userName = (userName ?? "").Trim();
        email = (email ?? "").Trim();
        if (!UserNameRegex().IsMatch(userName))
        {
            throw new PortalValidationException("UserName",
                "Use 3 to 32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (!email.Contains('@', StringComparison.Ordinal) || email.Length > 256)
        {
            throw new PortalValidationException("Email", "Enter a valid email address.");
        }

        var user = new PortalUser
        {
            UserName = userName,
            Email = email,
            EmailConfirmed = admin,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        var result = await userManager.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            var error = result.Errors.First();
            var field = error.Code switch
            {
                var c when c.Contains("Password", StringComparison.Ordinal) => "Password",
                var c when c.Contains("Email", StringComparison.Ordinal) => "Email",
                _ => "UserName",
            };
            throw new PortalValidationException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        await userManager.AddToRoleAsync(user, PortalCaller.UserRole);
        if (admin)
        {
            await userManager.AddToRoleAsync(user, PortalCaller.AdminRole);
        }

        await audit.WriteAsync(actor, admin ? "user.create-admin" : "user.create", userName, cancellationToken: cancellationToken);
        return user;
    }

    [GeneratedRegex(PortalUser.UserNamePattern)]
    private static partial Regex UserNameRegex();
}

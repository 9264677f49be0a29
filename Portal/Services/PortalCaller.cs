using System.Security.Claims;

namespace Portal.Services;

/// <summary>
/// Who is asking. Every service method takes one and only ever touches data this caller owns
/// (or, for admin operations, checks <see cref="IsAdmin"/>), whatever the UI already hid.
/// </summary>
public sealed record PortalCaller(string UserId, string UserName, bool IsAdmin)
{
    public const string AdminRole = "Admin";
    public const string UserRole = "User";

    public static PortalCaller? FromPrincipal(ClaimsPrincipal principal)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var name = principal.Identity?.Name;
        if (principal.Identity?.IsAuthenticated != true || id is null || name is null)
        {
            return null;
        }

        return new PortalCaller(id, name, principal.IsInRole(AdminRole));
    }

    /// <summary>How this caller appears in the audit log.</summary>
    public string AuditName => UserName;
}

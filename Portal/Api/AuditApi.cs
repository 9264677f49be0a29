using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Services;

namespace Portal.Api;

/// <summary>CSV export of the audit log (admins) and of a user's own activity, with the pages' filters.</summary>
public static class AuditApi
{
    public const string AuditCsvPath = "/admin/audit.csv";
    public const string ActivityCsvPath = "/account/activity.csv";

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AuditCsvPath, (HttpContext context, AuditTrailService audit, string? actor, string? action, string? from, string? to,
                CancellationToken cancellationToken) => ExportAsync(context, audit, ownOnly: false, actor, action, from, to, cancellationToken))
            .RequireAuthorization(policy => policy.RequireRole(PortalCaller.AdminRole));
        endpoints.MapGet(ActivityCsvPath, (HttpContext context, AuditTrailService audit, string? actor, string? action, string? from, string? to,
                CancellationToken cancellationToken) => ExportAsync(context, audit, ownOnly: true, actor, action, from, to, cancellationToken))
            .RequireAuthorization();
        return endpoints;
    }

    public static async Task<Results<FileContentHttpResult, BadRequest<string>, UnauthorizedHttpResult, ForbidHttpResult>> ExportAsync(
        HttpContext context, AuditTrailService audit, bool ownOnly, string? actor, string? action, string? from, string? to,
        CancellationToken cancellationToken)
    {
        if (PortalCaller.FromPrincipal(context.User) is not { } caller)
        {
            return TypedResults.Unauthorized();
        }

        if (!ownOnly && !caller.IsAdmin)
        {
            return TypedResults.Forbid();
        }

        if (!TryDate(from, out var fromDate) || !TryDate(to, out var toDate))
        {
            return TypedResults.BadRequest("from and to must be dates as yyyy-MM-dd.");
        }

        if (actor is { Length: > 64 } || action is { Length: > 64 })
        {
            return TypedResults.BadRequest("actor and action can be at most 64 characters.");
        }

        var csv = await audit.ExportCsvAsync(caller, new AuditFilter(actor, action, fromDate, toDate), ownOnly, cancellationToken);
        var name = ownOnly ? "activity" : "audit";
        return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv");
    }

    /// <summary>The export link for a filter, as the pages build it.</summary>
    public static string ExportUrl(bool ownOnly, AuditFilter filter)
    {
        var query = new List<string>();
        if (!string.IsNullOrWhiteSpace(filter.Actor)) query.Add($"actor={Uri.EscapeDataString(filter.Actor.Trim())}");
        if (!string.IsNullOrWhiteSpace(filter.Action)) query.Add($"action={Uri.EscapeDataString(filter.Action.Trim())}");
        if (filter.FromDate is { } f) query.Add(string.Create(CultureInfo.InvariantCulture, $"from={f:yyyy-MM-dd}"));
        if (filter.ToDate is { } t) query.Add(string.Create(CultureInfo.InvariantCulture, $"to={t:yyyy-MM-dd}"));
        var path = (ownOnly ? ActivityCsvPath : AuditCsvPath)[1..];
        return path + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }

    private static bool TryDate(string? text, out DateTime? date)
    {
        date = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }
}

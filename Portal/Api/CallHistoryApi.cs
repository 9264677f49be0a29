using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data.Entities;
using Portal.Services;

namespace Portal.Api;

/// <summary>CSV export of the signed-in user's call history, with the Call history page's filters.</summary>
public static class CallHistoryApi
{
    public static RouteGroupBuilder MapCallHistoryApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/calls").RequireAuthorization();
        group.MapGet("/history.csv", ExportAsync);
        return group;
    }

    public static async Task<Results<FileContentHttpResult, BadRequest<string>, UnauthorizedHttpResult>> ExportAsync(
        HttpContext context, CallHistoryService history, string? from, string? to, string? number, string? status,
        CancellationToken cancellationToken)
    {
        if (PortalCaller.FromPrincipal(context.User) is not { } caller)
        {
            return TypedResults.Unauthorized();
        }

        if (!TryDate(from, out var fromDate) || !TryDate(to, out var toDate))
        {
            return TypedResults.BadRequest("from and to must be dates as yyyy-MM-dd.");
        }

        CallStatus? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<CallStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return TypedResults.BadRequest($"status must be one of: {string.Join(", ", Enum.GetNames<CallStatus>())}.");
            }

            statusFilter = parsed;
        }

        if (number is { Length: > 64 })
        {
            return TypedResults.BadRequest("number can be at most 64 characters.");
        }

        var csv = await history.ExportCsvAsync(caller, new CallHistoryFilter(fromDate, toDate, number, statusFilter), cancellationToken);
        return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"calls-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv");
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

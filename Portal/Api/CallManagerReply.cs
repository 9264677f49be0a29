using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Api;

/// <summary>
/// An answer of the call manager API (DESIGN §7): one plain-text line a script can log, <c>"&lt;status&gt; &lt;what happened&gt;"</c>;
/// or, for <c>Accept: application/json</c>, a JSON object on success and RFC 9457 (7807) problem details on error.
/// Always with a content type, so the status-code pages never replace it with an HTML page.
/// </summary>
public sealed class CallManagerReply : IResult
{
    /// <summary>Problem <c>type</c> URIs are <c>urn:portal:callmanager:&lt;name&gt;</c>.</summary>
    public const string ProblemTypePrefix = "urn:portal:callmanager:";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly List<KeyValuePair<string, string>> headers = [];

    private CallManagerReply(int statusCode, string text, object? value, string? problemType)
    {
        StatusCode = statusCode;
        Text = text;
        Value = value;
        ProblemType = problemType;
    }

    public int StatusCode { get; }

    /// <summary>The plain-text line, without the leading status.</summary>
    public string Text { get; }

    /// <summary>The JSON body: a success object or the problem details.</summary>
    public object? Value { get; }

    /// <summary>The problem's type; null on success.</summary>
    public string? ProblemType { get; }

    public static CallManagerReply Success(int statusCode, string text, object value) => new(statusCode, text, value, null);

    public static CallManagerReply Problem(int statusCode, string type, string detail, TransferReport? transfer = null)
    {
        var typeUri = ProblemTypePrefix + type;
        var title = ReasonPhrases.GetReasonPhrase(statusCode);
        return new CallManagerReply(statusCode, detail, new ProblemBody(typeUri, title, statusCode, detail, transfer), typeUri);
    }

    /// <summary>The one 401 for every key that does not check out, whatever the reason.</summary>
    public static CallManagerReply Unauthorized() =>
        Problem(StatusCodes.Status401Unauthorized, "unauthorized",
                "a valid call manager key of this user is required, as key= or Authorization: Bearer")
            .WithHeader("WWW-Authenticate", "Bearer");

    public static CallManagerReply TooManyRequests(TimeSpan retryAfter, string what)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return Problem(StatusCodes.Status429TooManyRequests, "rate-limited", $"too many {what}; retry after {seconds} s")
            .WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
    }

    public CallManagerReply WithHeader(string name, string value)
    {
        headers.Add(new(name, value));
        return this;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }

        response.Headers.CacheControl = "no-store";
        if (WantsJson(httpContext.Request))
        {
            await response.WriteAsJsonAsync(Value, Value?.GetType() ?? typeof(object), Json,
                ProblemType is null ? "application/json; charset=utf-8" : "application/problem+json; charset=utf-8",
                httpContext.RequestAborted);
            return;
        }

        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync($"{StatusCode} {Text}\n", httpContext.RequestAborted);
    }

    private static bool WantsJson(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.Quality is not 0
            && (a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || a.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)));

    private sealed record ProblemBody(
        string Type,
        string Title,
        int Status,
        string Detail,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TransferReport? Transfer);
}

using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Portal.Api;

/// <summary>
/// The parameters of a call manager request: from the query string and, for a POST, an
/// <c>application/x-www-form-urlencoded</c> body as well. Each may be given once, in one of the two places;
/// the key as <c>key=</c> or <c>Authorization: Bearer</c>, not both. Anything given twice is a 400, not a guess.
/// </summary>
public sealed class CallManagerParameters
{
    private readonly Dictionary<string, string> values;

    private CallManagerParameters(Dictionary<string, string> values, string? problem)
    {
        this.values = values;
        Problem = problem;
    }

    /// <summary>Why the parameters cannot be used (for a 400); null when they can.</summary>
    public string? Problem { get; }

    /// <summary>The parameter's value; null when it was not given or given empty.</summary>
    public string? this[string name] => values.GetValueOrDefault(name);

    public static async Task<CallManagerParameters> ReadAsync(HttpRequest request, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        IFormCollection? form = null;
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
            {
                return new([], "the form body could not be read; send the parameters as application/x-www-form-urlencoded");
            }
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var given = StringValues.Concat(request.Query[name], form?[name] ?? StringValues.Empty);
            if (name == "key" && BearerToken(request) is { } bearer)
            {
                given = StringValues.Concat(given, bearer);
            }

            if (given.Count > 1)
            {
                return new([], name == "key"
                    ? "give the key once: as key= or as Authorization: Bearer"
                    : $"give {name} once, in the query string or in the form body");
            }

            if (!string.IsNullOrEmpty(given.ToString()))
            {
                values[name] = given.ToString();
            }
        }

        return new(values, null);
    }

    private static string? BearerToken(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        return authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? authorization[scheme.Length..].Trim() : null;
    }
}

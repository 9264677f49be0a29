using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Fills and posts a form of a statically rendered page (the Identity pages) as a browser would: it loads the
/// page, keeps the form's hidden fields (the handler name, the antiforgery token, a reset code) and posts them
/// with the given values through a client that keeps cookies.
/// </summary>
public static class StaticForm
{
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string pageUrl, string formName,
        IReadOnlyDictionary<string, string> values)
    {
        var page = await client.GetAsync(pageUrl);
        page.EnsureSuccessStatusCode();
        var document = new HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync());
        var form = document.Forms.FirstOrDefault(f => f.QuerySelector($"input[name=_handler][value='{formName}']") is not null)
            ?? throw new InvalidOperationException($"No form '{formName}' on {pageUrl}:\n{document.Body?.TextContent}");

        var fields = form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>()
            .Where(i => !string.IsNullOrEmpty(i.Name))
            .ToDictionary(i => i.Name!, i => i.Value);
        foreach (var (name, value) in values)
        {
            fields[name] = value;
        }

        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? page.RequestMessage!.RequestUri! : new Uri(page.RequestMessage!.RequestUri!, form.GetAttribute("action"));
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }
}

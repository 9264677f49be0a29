using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Api;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Api;

public sealed class CallHistoryApiTests
{
    [Fact]
    public async Task Export_Anonymous_IsRefusedWith401()
    {
        await using var factory = new PortalWebFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/calls/history.csv");

        // An endpoint, not a page: no redirect to the sign-in form, and nothing of anyone's history.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("26/11/2026", null, "from and to must be dates as yyyy-MM-dd.")]
    [InlineData(null, "Bogus", "status must be one of:")]
    public async Task Export_BadFilter_Is400WithWhatToFix(string? from, string? status, string message)
    {
        await using var host = await PortalTestHost.StartAsync();
        var alice = await host.CreateUserAsync("alice");

        var result = await CallHistoryApi.ExportAsync(SignedIn(alice), host.Get<CallHistoryService>(), from, null, null, status, CancellationToken.None);

        var bad = Assert.IsType<BadRequest<string>>(result.Result);
        Assert.StartsWith(message, bad.Value);
    }

    [Fact]
    public async Task Export_SignedIn_ReturnsCsvWithHeaderRow()
    {
        await using var host = await PortalTestHost.StartAsync();
        var alice = await host.CreateUserAsync("alice");

        var result = await CallHistoryApi.ExportAsync(SignedIn(alice), host.Get<CallHistoryService>(), "2026-11-01", "2026-11-30", null, "completed", CancellationToken.None);

        var file = Assert.IsType<FileContentHttpResult>(result.Result);
        Assert.StartsWith("text/csv", file.ContentType);
        Assert.StartsWith("started_utc,", System.Text.Encoding.UTF8.GetString(file.FileContents.Span));
    }

    private static DefaultHttpContext SignedIn(PortalCaller caller) => new()
    {
        User = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, caller.UserId), new Claim(ClaimTypes.Name, caller.UserName)], "test")),
    };
}

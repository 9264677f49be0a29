using Microsoft.Playwright;

namespace Portal.Tests.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright: no browser download, no network beyond loopback.</summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        return (playwright, browser);
    }

    /// <summary>The input of a MudBlazor field rendered with <c>id</c>, wherever MudBlazor put the id.</summary>
    public static ILocator Field(IPage page, string id) => page.Locator($"input#{id}, textarea#{id}, #{id} input, #{id} textarea").First;

    /// <summary>Waits until the Blazor circuit is attached; clicks before that are lost.</summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("#portal-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

    public static async Task SignInAsync(IPage page, Uri baseAddress, string login, string password)
    {
        await page.GotoAsync(new Uri(baseAddress, "Account/Login").ToString());
        await page.FillAsync("#Input\\.Login", login);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("button[type=submit]");
        await WaitForInteractiveAsync(page);
    }
}

using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>Alice creates a call manager key in Chromium, copies it and a snippet, and revokes it.</summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class CallManagerPageBrowserTests : IAsyncLifetime
{
    private readonly PortalWebFactory factory = new();
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private Uri baseAddress = null!;

    public async Task InitializeAsync()
    {
        baseAddress = factory.StartKestrel();
        await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        (playwright, browser) = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task NewKey_IsShownOnceCopiedIntoSnippetsAndRevocable()
    {
        await using var context = await browser.NewContextAsync();
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"],
            new BrowserContextGrantPermissionsOptions { Origin = baseAddress.GetLeftPart(UriPartial.Authority) });
        var page = await context.NewPageAsync();
        await Browser.SignInAsync(page, baseAddress, "alice", "alice-password");

        await page.ClickAsync("a[href='call-manager']");
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(baseAddress, "call-manager").ToString());
        await Assertions.Expect(page.Locator("#transfer-url")).ToHaveTextAsync(new Uri(baseAddress, "callmanager/blindtransfer").ToString());
        await Assertions.Expect(page.Locator("#no-keys")).ToBeVisibleAsync();

        await page.ClickAsync("#new-key");
        await Browser.Field(page, "key-name").FillAsync("tropo");
        await page.ClickAsync("#create-key");

        var shown = page.Locator("#created-key-value");
        await Assertions.Expect(shown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^pk_[0-9a-f]{8}_"));
        var key = await shown.InnerTextAsync();
        var prefix = key.Split('_')[1];
        await Assertions.Expect(page.Locator("#key-table")).ToContainTextAsync("tropo");
        await Assertions.Expect(page.Locator("#created-key")).ToContainTextAsync("cannot be shown again");

        await page.ClickAsync("#copy-created-key");
        Assert.Equal(key, await WaitForClipboardAsync(page, text => text.Length > 0));

        await page.ClickAsync("#copy-snippet-ruby");
        var ruby = await WaitForClipboardAsync(page, text => text != key);
        Assert.Contains("/callmanager/blindtransfer", ruby);
        Assert.Contains($"KEY = \"{key}\"", ruby);
        Assert.Contains("x-sbc-call-id", ruby);

        // A reload starts a new circuit: the key is gone for good, only its prefix remains.
        await page.ReloadAsync();
        await Browser.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("#key-table")).ToContainTextAsync($"pk_{prefix}_…");
        await Assertions.Expect(page.Locator("#created-key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await page.ContentAsync());
        await Assertions.Expect(page.Locator("#snippet-ruby")).ToContainTextAsync("YOUR_CALL_MANAGER_KEY");

        await page.Locator("#key-table button.revoke-key").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#key-table .key-status")).ToContainTextAsync("revoked");
        await Assertions.Expect(page.Locator("#key-table button.revoke-key")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// The copy goes through the Blazor circuit, so the clipboard changes a moment after the click: reads it
    /// until <paramref name="changed"/> holds, for at most ten seconds.
    /// </summary>
    private static async Task<string> WaitForClipboardAsync(IPage page, Func<string, bool> changed)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var text = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
            if (changed(text))
            {
                return text;
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}

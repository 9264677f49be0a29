using Microsoft.Playwright;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class PortalBrowserTests : IAsyncLifetime
{
    private readonly PortalWebFactory factory = new();
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private Uri baseAddress = null!;

    public async Task InitializeAsync()
    {
        baseAddress = factory.StartKestrel();
        (playwright, browser) = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task BootstrappedAdmin_SignsInAndCreatesASipAccountThroughTheUi()
    {
        var page = await browser.NewPageAsync();
        await Browser.SignInAsync(page, baseAddress, PortalDatabaseInitializer.BootstrapAdminUserName, PortalWebFactory.AdminPassword);

        await page.ClickAsync("a[href='sip-accounts']");
        await page.ClickAsync("#new-sip-account");
        await Browser.Field(page, "sip-username").FillAsync("alice");
        await Browser.Field(page, "sip-password").FillAsync("s3cret-pass");
        await page.ClickAsync("#save-sip-account");

        var table = page.Locator("#sip-account-table");
        await Assertions.Expect(table).ToContainTextAsync("alice");
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(baseAddress, "sip-accounts").ToString());

        // A reload shows what the database holds, not what the circuit remembered.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#sip-account-table")).ToContainTextAsync("alice");
    }

    [Fact]
    public async Task WrongPassword_AndUnknownUser_GetTheSameAnswer()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(baseAddress, "Account/Login").ToString());
        await page.FillAsync("#Input\\.Login", "admin");
        await page.FillAsync("#Input\\.Password", "wrong-password");
        await page.ClickAsync("button[type=submit]");
        var wrongPassword = await page.Locator(".alert").InnerTextAsync();

        await page.FillAsync("#Input\\.Login", "nobody-here");
        await page.FillAsync("#Input\\.Password", "wrong-password");
        await page.ClickAsync("button[type=submit]");
        var unknownUser = await page.Locator(".alert").InnerTextAsync();

        Assert.Contains("Invalid login attempt", wrongPassword);
        Assert.Equal(wrongPassword, unknownUser);
    }
}

using Microsoft.Playwright;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>A real phone (baresip) registers; its owner watches the registration appear on the SIP accounts page.</summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class BaresipRegistrationTests : IAsyncLifetime
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
    public async Task Baresip_Registers_AndTheRegistrationAppearsOnTheOpenPageWithoutAReload()
    {
        await factory.CreateUserWithSipAccountAsync("alice", "alice-phone", "s3cret");
        var page = await browser.NewPageAsync();
        await Browser.SignInAsync(page, baseAddress, "alice", "alice-password");
        await page.GotoAsync(new Uri(baseAddress, "sip-accounts").ToString());
        await Browser.WaitForInteractiveAsync(page);
        var cell = page.Locator("td.registrations[data-account='alice-phone']");
        await Assertions.Expect(cell).ToContainTextAsync("none");

        await using var phone = Baresip.Start("alice-phone", "s3cret", factory.SipPort);
        await phone.Process.WaitForOutputAsync("200 OK", TimeSpan.FromSeconds(20));

        await Assertions.Expect(cell).ToContainTextAsync($"127.0.0.1:{phone.SipPort}", new() { Timeout = 10_000 });
        await Assertions.Expect(cell).ToContainTextAsync("baresip");
        await Assertions.Expect(cell).ToContainTextAsync("expires in");
    }
}

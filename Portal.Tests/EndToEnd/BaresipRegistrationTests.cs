using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Entities;
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
    public async Task Baresip_RegisteredToAnAccount_IsReachedThroughLocal()
    {
        var alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await factory.CreateUserWithSipAccountAsync("bob", "bob", "b0b-secret-1");
        await factory.UseOutDialplanAsync(alice, "alice", "when \"bob\" then sys.Dial(\"bob@local\")");

        await using var phone = await Baresip.StartAsync("bob", "b0b-secret-1", factory.SipPort);
        await phone.Process.WaitForOutputAsync("200 OK", TimeSpan.FromSeconds(20));

        var (exit, output) = await Sipp.RunAsync("call-uac-auth-to-phone.xml", factory.SipPort, service: "bob", authUser: "alice",
            authPassword: "s3cret-pass", extra: ["-d", "1000"]);

        Assert.True(exit == 0, output + "\n--- baresip ---\n" + phone.Process.Output);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        CallRecord? record;
        while ((record = await db.CallRecords.AsNoTracking().SingleOrDefaultAsync(r => r.EndedAt != null)) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.NotNull(record);
        Assert.NotNull(record.AnsweredAt);
        Assert.Equal(CallStatus.Completed, record.Status);
    }

    [Fact]
    public async Task Baresip_Registers_AndTheRegistrationAppearsOnTheOpenPageWithoutAReload()
    {
        await factory.CreateUserWithSipAccountAsync("alice", "alice-phone", "s3cret-pass");
        var page = await browser.NewPageAsync();
        await Browser.SignInAsync(page, baseAddress, "alice", "alice-password");
        await page.GotoAsync(new Uri(baseAddress, "sip-accounts").ToString());
        await Browser.WaitForInteractiveAsync(page);
        var cell = page.Locator("td.registrations[data-account='alice-phone']");
        await Assertions.Expect(cell).ToContainTextAsync("none");

        await using var phone = await Baresip.StartAsync("alice-phone", "s3cret-pass", factory.SipPort);
        await phone.Process.WaitForOutputAsync("200 OK", TimeSpan.FromSeconds(20));

        await Assertions.Expect(cell).ToContainTextAsync($"127.0.0.1:{phone.SipPort}", new() { Timeout = 10_000 });
        await Assertions.Expect(cell).ToContainTextAsync("baresip");
        await Assertions.Expect(cell).ToContainTextAsync("expires in");
    }
}

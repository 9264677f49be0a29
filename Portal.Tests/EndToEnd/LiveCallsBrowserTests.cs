using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>Alice watches a real call appear on her Calls page, then hangs it up or transfers it from there.</summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class LiveCallsBrowserTests : IAsyncLifetime
{
    private readonly PortalWebFactory factory = new();
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private Uri baseAddress = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        baseAddress = factory.StartKestrel();
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        (playwright, browser) = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task LiveCall_AppearsOnTheCallsPage_AndHangUpThereEndsBothLegs()
    {
        var calleePort = PeerProcess.FreePort();
        await factory.UseOutDialplanAsync(alice, "alice",
            $"when \"uas\" then sys.Dial(\"uas@127.0.0.1:{calleePort}[fu=xfer-#{{sys.CallNumber}}]\")");

        var page = await browser.NewPageAsync();
        await Browser.SignInAsync(page, baseAddress, "alice", "alice-password");
        await page.GotoAsync(new Uri(baseAddress, "calls").ToString());
        await Browser.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("#no-calls")).ToBeVisibleAsync();

        // Both parties wait for the service's BYE: only the hang-up on the page ends this call.
        await using var callee = Sipp.Start(SippArguments("call-uas-answer.xml", calleePort, remote: null));
        await using var caller = Sipp.Start(SippArguments("call-uac-auth-callee-hangs-up.xml", PeerProcess.FreePort(),
            remote: $"127.0.0.1:{factory.SipPort}", "-s", "uas", "-au", "alice", "-ap", "s3cret-pass"));

        var call = page.Locator(".live-call");
        await Assertions.Expect(call.Locator(".call-state")).ToHaveTextAsync("Answered", new() { Timeout = 15_000 });
        await Assertions.Expect(call.Locator(".call-leg")).ToHaveCountAsync(2);
        await Assertions.Expect(call.Locator(".call-leg").Nth(1)).ToContainTextAsync("xfer-1");

        await call.Locator("button.hang-up").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Hang up", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("#no-calls")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await caller.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await callee.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(caller.ExitCode == 0, caller.Output);
        Assert.True(callee.ExitCode == 0, callee.Output);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var record = await db.CallRecords.SingleAsync();
        Assert.Contains("hung up from the portal by alice", record.HangupReason);
        Assert.Contains(await db.AuditEntries.ToListAsync(), a => a.Action == "call.hangup" && a.Actor == "alice");
    }

    [Fact]
    public async Task TransferFromTheCallsPage_ShowsItsProgress_AndBridgesTheCallerToTheTarget()
    {
        var (voiceAppPort, targetPort) = (PeerProcess.FreePort(), PeerProcess.FreePort());
        await factory.UseOutDialplanAsync(alice, "alice",
            $"when \"232\" then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DialplanService>().SetAsync(alice, "transfer",
                $"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")");
        }

        var page = await browser.NewPageAsync();
        await Browser.SignInAsync(page, baseAddress, "alice", "alice-password");
        await page.GotoAsync(new Uri(baseAddress, "calls").ToString());
        await Browser.WaitForInteractiveAsync(page);
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "2000"]);
        var caller = Sipp.RunAsync("transfer-caller.xml", factory.SipPort, service: "232", authUser: "alice", authPassword: "s3cret-pass",
            timeout: TimeSpan.FromSeconds(60), extra: ["-d", "1500"]);

        var call = page.Locator(".live-call");
        await Assertions.Expect(call.Locator(".call-state")).ToHaveTextAsync("Answered", new() { Timeout = 15_000 });
        await call.Locator("button.transfer").ClickAsync();
        var destination = page.Locator("#transfer-destination");
        await destination.FillAsync("bob@elsewhere");
        await page.Locator("#confirm-transfer").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Not a destination");
        await destination.FillAsync("5551234");
        await page.Locator("#confirm-transfer").ClickAsync();

        var transfer = call.Locator(".call-transfer");
        await Assertions.Expect(transfer).ToContainTextAsync("Transferring to 5551234", new() { Timeout = 10_000 });
        await Assertions.Expect(call.Locator(".call-leg")).ToHaveCountAsync(3);
        await Assertions.Expect(transfer).ToContainTextAsync($"Transferred to 5551234 (sip:5551234@127.0.0.1:{targetPort}", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#no-calls")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        var (exit, output) = await caller;
        await voiceApp.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await target.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0 && voiceApp.ExitCode == 0 && target.ExitCode == 0,
            $"--- caller ---\n{output}\n--- voice app ---\n{voiceApp.Output}\n--- target ---\n{target.Output}");
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Contains(await db.AuditEntries.ToListAsync(), a => a.Action == "transfer.request" && a.Actor == "alice");
        Assert.StartsWith("5551234 (", (await db.CallRecords.SingleAsync()).TransferredTo);
    }

    private static List<string> SippArguments(string scenario, int localPort, string? remote, params string[] extra)
    {
        var arguments = new List<string>();
        if (remote is not null)
        {
            arguments.Add(remote);
        }

        arguments.AddRange(["-sf", Sipp.Scenario(scenario), "-i", "127.0.0.1", "-p", localPort.ToString(CultureInfo.InvariantCulture), "-t", "u1",
            "-m", "1", "-timeout", "60s", "-timeout_error"]);
        arguments.AddRange(extra);
        return arguments;
    }
}

using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Alice opens the SIP ladder of a real call (sipp caller and callee through the service): it grows live and shows
/// the BYE when the call is hung up; afterwards the call's messages export as a pcap that tshark reads back.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class CallLadderBrowserTests : IAsyncLifetime
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
    public async Task LadderOfALiveCall_ShowsItsMessages_AndTheByeWhenItArrives()
    {
        var page = await browser.NewPageAsync();
        await Browser.SignInAsync(page, baseAddress, "alice", "alice-password");
        await page.GotoAsync(new Uri(baseAddress, "calls").ToString());
        await Browser.WaitForInteractiveAsync(page);
        await using var call = await StartCallAsync();

        await Assertions.Expect(page.Locator(".live-call .call-state")).ToHaveTextAsync("Answered", new() { Timeout = 15_000 });
        await page.Locator(".live-call a.ladder").ClickAsync();
        await page.WaitForURLAsync("**/ladder");
        await Browser.WaitForInteractiveAsync(page);

        var arrows = page.Locator("g.ladder-message");
        await Assertions.Expect(page.Locator("#ladder-state")).ToContainTextAsync("in progress");
        await Assertions.Expect(page.Locator("g.ladder-column")).ToHaveCountAsync(3);
        await Assertions.Expect(arrows.First).ToHaveAttributeAsync("data-summary", "INVITE");
        await Assertions.Expect(page.Locator("g.ladder-message[data-summary='407 Proxy Authentication Required']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("g.ladder-message[data-summary='BYE']")).ToHaveCountAsync(0);

        await factory.Services.GetRequiredService<LiveCallService>().HangUpAsync(alice, LiveCallId());

        // Both legs get the service's BYE and answer it; the page was not reloaded.
        await Assertions.Expect(page.Locator("g.ladder-message[data-summary='BYE']")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#ladder-state")).ToContainTextAsync("ended", new() { Timeout = 15_000 });
        await page.Locator("g.ladder-message[data-summary='BYE']").First.ClickAsync();
        await Assertions.Expect(page.Locator("#ladder-message-text")).ToContainTextAsync("BYE sip:");
        await call.WaitAsync();
    }

    [Fact]
    public async Task PcapExportFromTheHistory_ReadsBackInTsharkWithEveryMessageInOrder()
    {
        var calls = factory.Services.GetRequiredService<LiveCallService>();
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (calls.Subscribe(alice, e =>
               {
                   if (e.Kind == Portal.Sip.Calls.Records.CallEventKind.Answered)
                   {
                       answered.TrySetResult();
                   }
               }))
        await using (var call = await StartCallAsync())
        {
            await call.WaitForAsync(answered.Task, "the call to be answered");
            await factory.Services.GetRequiredService<LiveCallService>().HangUpAsync(alice, LiveCallId());
            await call.WaitAsync();
        }

        var page = await browser.NewPageAsync();
        await Browser.SignInAsync(page, baseAddress, "alice", "alice-password");
        await page.GotoAsync(new Uri(baseAddress, "history").ToString());
        await Browser.WaitForInteractiveAsync(page);
        await page.Locator("#history-table a.ladder-link").ClickAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#ladder-state")).ToContainTextAsync("ended");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-pcap").ClickAsync());
        Assert.Matches("^call-[0-9a-f]{32}\\.pcap$", download.SuggestedFilename);
        var pcap = Path.Combine(factory.DataDirectory, download.SuggestedFilename);
        await download.SaveAsAsync(pcap);

        var sip = factory.SipPort.ToString(CultureInfo.InvariantCulture);
        var (exit, output) = await PeerProcess.RunAsync("tshark",
            ["-r", pcap, "-d", $"udp.port=={sip},sip", "-Y", "sip", "-T", "fields", "-E", "separator=|",
             "-e", "udp.srcport", "-e", "udp.dstport", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.CSeq.method", "-e", "sip.Proxy-Authorization"],
            TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, output);
        var frames = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('|')).Where(f => f.Length >= 6).ToList();
        string Describe(string[] f) =>
            $"{(f[0] == sip ? "out" : "in")} {(f[2].Length > 0 ? f[2] : f[3] + " " + f[4])}";
        var seen = frames.Select(Describe).ToList();

        // The caller's challenge and retry, the placed leg, the answer relayed, then the service's BYEs and their 200s.
        AssertInOrder(seen, "in INVITE", "out 407 INVITE", "in ACK", "in INVITE", "out INVITE", "in 200 INVITE", "out 200 INVITE",
            "out BYE", "in 200 BYE");
        Assert.Equal(2, seen.Count(s => s == "out BYE"));
        Assert.Equal(2, seen.Count(s => s == "in 200 BYE"));
        Assert.True(seen.IndexOf("out BYE") < seen.IndexOf("in 200 BYE"), string.Join("\n", seen));
        Assert.Equal(2, frames.Where(f => f[0] == sip && f[2] == "BYE").Select(f => f[1]).Distinct().Count());
        var authorizations = frames.Select(f => f[5]).Where(a => a.Length > 0).ToList();
        Assert.NotEmpty(authorizations);
        Assert.All(authorizations, a => Assert.Contains("response=\"********\"", a));
    }

    private static void AssertInOrder(List<string> seen, params string[] expected)
    {
        var at = 0;
        foreach (var item in expected)
        {
            var found = seen.IndexOf(item, at);
            Assert.True(found >= 0, $"'{item}' not found in order after position {at} in:\n{string.Join("\n", seen)}");
            at = found + 1;
        }
    }

    private string LiveCallId() => Assert.Single(factory.Services.GetRequiredService<LiveCallService>().List(alice)).Id;

    /// <summary>A call from a sipp caller to a sipp callee through alice's dialplan; both wait for the service's BYE.</summary>
    private async Task<RunningCall> StartCallAsync()
    {
        var calleePort = PeerProcess.FreePort();
        await factory.UseOutDialplanAsync(alice, "alice", $"when \"uas\" then sys.Dial(\"uas@127.0.0.1:{calleePort}[fu=xfer-#{{sys.CallNumber}}]\")");
        var callee = Sipp.Start(Arguments("call-uas-answer.xml", calleePort, remote: null));
        var caller = Sipp.Start(Arguments("call-uac-auth-callee-hangs-up.xml", PeerProcess.FreePort(),
            remote: $"127.0.0.1:{factory.SipPort}", "-s", "uas", "-au", "alice", "-ap", "s3cret-pass"));
        return new RunningCall(caller, callee);
    }

    private static List<string> Arguments(string scenario, int localPort, string? remote, params string[] extra)
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

    private sealed class RunningCall(PeerProcess caller, PeerProcess callee) : IAsyncDisposable
    {
        /// <summary>Waits for <paramref name="milestone"/>; fails with both peers' output if one exits first or it takes too long.</summary>
        public async Task WaitForAsync(Task milestone, string what)
        {
            var first = await Task.WhenAny(milestone, caller.Exited, callee.Exited, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(first == milestone,
                $"Gave up waiting for {what}.\n--- caller ---\n{caller.Output}\n--- callee ---\n{callee.Output}");
        }

        public async Task WaitAsync()
        {
            await caller.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await callee.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(caller.ExitCode == 0, caller.Output);
            Assert.True(callee.ExitCode == 0, callee.Output);
        }

        public async ValueTask DisposeAsync()
        {
            await caller.DisposeAsync();
            await callee.DisposeAsync();
        }
    }
}

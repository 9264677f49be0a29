using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Records;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Kamailio between the phones and the service (config in Portal.Tests/Kamailio/proxy.cfg): as the phones' outbound
/// proxy with Record-Route, a phone registers, calls and is called through it, and calls through it are blind
/// transferred and REFERred; as a front proxy adding Path (RFC 3327), the registrar stores the Path and calls the
/// phone through it. Kamailio's log line per relayed request shows which way each request went.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.ProxiesAndClusters)]
public sealed class KamailioTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);
    private readonly PortalWebFactory factory = new();
    private readonly int voiceAppPort = PeerProcess.FreePort();
    private readonly int targetPort = PeerProcess.FreePort();
    private PortalCaller alice = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        http = new HttpClient { BaseAddress = factory.StartKestrel() };
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await factory.UseOutDialplanAsync(alice, "alice",
            $"when /^232$/ then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")\nwhen \"bob\" then sys.Dial(\"bob@local\")");
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DialplanService>()
            .SetAsync(alice, "transfer", $"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")");
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await factory.DisposeAsync();
    }

    private CallManager Calls => factory.Services.GetRequiredService<SipHostedService>().Calls;

    private string Service => $"127.0.0.1:{factory.SipPort.ToString(CultureInfo.InvariantCulture)}";

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task ALinphonePhoneBehindTheProxy_Registers_IsCalled_AndCallsOut_ThroughIt(string transport)
    {
        await using var proxy = await Kamailio.StartAsync(factory.SipPort);
        var bob = await factory.CreateUserWithSipAccountAsync("bob", "bob", "b0b-secret-1");
        await factory.UseOutDialplanAsync(bob, "bob", "when \"alice\" then sys.Dial(\"alice@local\")");
        await using var phone = await Linphone.StartAsync("alice", "s3cret-pass", factory.SipPort, transport, outboundProxy: proxy.Address);
        Assert.Contains("relaying REGISTER", proxy.Process.Output);

        // Called: the registration came from the proxy, so the INVITE goes back through it.
        var (exit, output) = await Sipp.RunAsync("call-uac-auth-to-phone.xml", factory.SipPort, service: "alice", authUser: "bob",
            authPassword: "b0b-secret-1", timeout: PeerTimeout, extra: ["-d", "500"]);
        Assert.True(exit == 0, output + "\n--- linphone ---\n" + phone.Process.Output + "\n--- kamailio ---\n" + proxy.Process.Output);
        Assert.Contains(proxy.Process.Output.Split('\n'), l => l.Contains("relaying INVITE sip:alice@127.0.0.1:", StringComparison.Ordinal)
            && l.Contains($"from udp:{Service}", StringComparison.Ordinal));
        await phone.Process.WaitForOutputAsync("ended", PeerTimeout);

        // Calling out: INVITE, ACK and BYE all through the proxy (Record-Route).
        await using var callee = Sipp.StartUas("call-uas-answer-phone.xml", voiceAppPort);
        await phone.CommandAsync($"call sip:232@{Service}");
        await WaitUntilAsync(() => Calls.GetCalls(alice.UserId).Any(c => c.State == CallState.Answered),
            () => phone.Process.Output + "\n--- kamailio ---\n" + proxy.Process.Output);
        await phone.CommandAsync("terminate");
        await callee.WaitForExitAsync(PeerTimeout);
        Assert.True(callee.ExitCode == 0, callee.Output + "\n--- linphone ---\n" + phone.Process.Output + "\n--- kamailio ---\n" + proxy.Process.Output);
        Assert.Contains($"relaying INVITE sip:232@{Service}", proxy.Process.Output);
        Assert.Contains("relaying BYE ", proxy.Process.Output);
    }

    [Fact]
    public async Task ACallerBehindTheOutboundProxy_IsBlindTransferred_AndReinvitedThroughIt()
    {
        await using var proxy = await Kamailio.StartAsync(factory.SipPort);
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);
        string key;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            key = (await scope.ServiceProvider.GetRequiredService<CallManagerKeyService>().CreateAsync(alice, "voice app")).Key;
        }

        var caller = CallThroughProxyAsync("transfer-caller.xml", proxy, holdMilliseconds: 1000);
        CallSnapshot? call = null;
        await WaitUntilAsync(() => (call = Calls.GetCalls(alice.UserId).FirstOrDefault(c => c.State == CallState.Answered)) is not null,
            () => proxy.Process.Output);
        using var response = await http.GetAsync(
            $"/callmanager/blindtransfer?user=alice&callid={Uri.EscapeDataString(call!.AnsweredLeg!.CallId)}&destination=5551234" +
            $"&key={Uri.EscapeDataString(key)}&wait=20");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await AssertPeersSucceededAsync(caller, voiceApp, target, proxy);
        // The re-INVITE to the caller followed the Record-Route: from the service, through the proxy.
        Assert.Contains($"relaying INVITE sip:alice@127.0.0.1:", proxy.Process.Output);
        Assert.Equal(CallStatus.Completed, (await factory.WaitForEndedCallRecordAsync()).Status);
    }

    [Fact]
    public async Task APhoneBehindTheOutboundProxy_RefersTheVoiceAppThroughIt()
    {
        await using var proxy = await Kamailio.StartAsync(factory.SipPort);
        await using var voiceApp = Sipp.StartUas("transfer-reinvited-callee.xml", voiceAppPort, extra: ["-d", "500"]);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);

        var caller = CallThroughProxyAsync("refer-transferor.xml", proxy, holdMilliseconds: 0);

        await AssertPeersSucceededAsync(caller, voiceApp, target, proxy);
        Assert.Contains("relaying REFER ", proxy.Process.Output);
        Assert.Contains("relaying NOTIFY ", proxy.Process.Output);
        Assert.StartsWith("5551234 (", (await factory.WaitForEndedCallRecordAsync()).TransferredTo);
    }

    [Fact]
    public async Task APhoneRegisteredThroughAFrontProxyWithPath_IsCalledThroughThatPath()
    {
        await using var proxy = await Kamailio.StartAsync(factory.SipPort, path: true);
        await factory.CreateUserWithSipAccountAsync("bob", "bob", "b0b-secret-1");
        await using var phone = await Baresip.StartAsync("bob", "b0b-secret-1", factory.SipPort, outboundProxy: proxy.Address);
        await phone.Process.WaitForOutputAsync("200 OK", TimeSpan.FromSeconds(20));
        // Registrations are written behind (in batches), so the row may land a moment after the 200.
        SipBinding? binding = null;
        await WaitUntilAsync(() =>
        {
            using var db = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
            return (binding = db.SipBindings.AsNoTracking().SingleOrDefault(b => b.SipAccount!.Username == "bob")) is not null;
        }, () => proxy.Process.Output);
        Assert.True(binding!.Path is { } path && path.StartsWith($"<sip:{proxy.Address}", StringComparison.Ordinal) && path.Contains("received=", StringComparison.Ordinal),
            $"Path: {binding.Path}");

        var (exit, output) = await Sipp.RunAsync("call-uac-auth-to-phone.xml", factory.SipPort, service: "bob", authUser: "alice",
            authPassword: "s3cret-pass", timeout: PeerTimeout, extra: ["-d", "500"]);

        Assert.True(exit == 0, output + "\n--- baresip ---\n" + phone.Process.Output + "\n--- kamailio ---\n" + proxy.Process.Output);
        // The INVITE to the phone carried the stored Path as its Route, and Kamailio sent it on to the phone.
        var invite = proxy.Process.Output.Split('\n').FirstOrDefault(l => l.Contains("relaying INVITE sip:", StringComparison.Ordinal)
            && l.Contains($"@127.0.0.1:{phone.SipPort.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal));
        Assert.True(invite is not null && invite.Contains($"route [<sip:{proxy.Address}", StringComparison.Ordinal) && invite.Contains("received=", StringComparison.Ordinal),
            proxy.Process.Output);
        Assert.Equal(CallStatus.Completed, (await factory.WaitForEndedCallRecordAsync()).Status);
    }

    /// <summary>A sipp phone as alice whose every request goes to the proxy (<c>-rsa</c>), with the service in its Request-URI.</summary>
    private Task<(int ExitCode, string Output)> CallThroughProxyAsync(string scenario, Kamailio proxy, int holdMilliseconds) =>
        Sipp.RunAsync(scenario, factory.SipPort, service: "232", authUser: "alice", authPassword: "s3cret-pass", timeout: PeerTimeout,
            extra: ["-d", holdMilliseconds.ToString(CultureInfo.InvariantCulture), "-rsa", proxy.Address]);

    private static async Task AssertPeersSucceededAsync(Task<(int ExitCode, string Output)> caller, PeerProcess voiceApp, PeerProcess target, Kamailio proxy)
    {
        var (exit, output) = await caller;
        await voiceApp.WaitForExitAsync(PeerTimeout);
        await target.WaitForExitAsync(PeerTimeout);
        Assert.True(exit == 0 && voiceApp.ExitCode == 0 && target.ExitCode == 0,
            $"--- caller ---\n{output}\n--- voice app ---\n{voiceApp.Output}\n--- target ---\n{target.Output}\n--- kamailio ---\n{proxy.Process.Output}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out\n" + diagnostics());
            await Task.Delay(50);
        }
    }
}

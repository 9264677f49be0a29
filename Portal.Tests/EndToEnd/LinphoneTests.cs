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
/// Linphone (linphonec, headless) as alice's phone against the running service, over UDP and TCP: it registers,
/// calls out through her out dialplan, is reached through <c>local</c>, is blind-transferred by the call manager
/// API, and sends REFER itself. The far ends are sipp.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.ProxiesAndClusters)]
public sealed class LinphoneTests : IAsyncLifetime
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
        await factory.UseOutDialplanAsync(alice, "alice", $"when /^232$/ then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")");
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
    public async Task Linphone_Registers_AndCallsOutThroughItsOutDialplan(string transport)
    {
        await using var callee = Sipp.StartUas("call-uas-answer-phone.xml", voiceAppPort);
        await using var phone = await Linphone.StartAsync("alice", "s3cret-pass", factory.SipPort, transport);

        await phone.CommandAsync($"call sip:232@{Service};transport={transport}");
        await phone.Process.WaitForOutputAsync("connected", PeerTimeout);
        await phone.CommandAsync("terminate");

        await callee.WaitForExitAsync(PeerTimeout);
        Assert.True(callee.ExitCode == 0, callee.Output + "\n--- linphone ---\n" + phone.Process.Output);
        Assert.Equal((CallStatus.Completed, "caller hung up"), await WaitForEndedRecordAsync());
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Linphone_IsReachedThroughLocal_AndAnswers(string transport)
    {
        var bob = await factory.CreateUserWithSipAccountAsync("bob", "bob", "b0b-secret-1");
        await factory.UseOutDialplanAsync(bob, "bob", "when \"alice\" then sys.Dial(\"alice@local\")");
        await using var phone = await Linphone.StartAsync("alice", "s3cret-pass", factory.SipPort, transport);

        var (exit, output) = await Sipp.RunAsync("call-uac-auth-to-phone.xml", factory.SipPort, service: "alice", authUser: "bob",
            authPassword: "b0b-secret-1", timeout: PeerTimeout, extra: ["-d", "1000"]);

        Assert.True(exit == 0, output + "\n--- linphone ---\n" + phone.Process.Output);
        Assert.Equal((CallStatus.Completed, "caller hung up"), await WaitForEndedRecordAsync());
    }

    [Fact]
    public async Task Linphone_IsBlindTransferredByTheApi_AndTheTargetGetsItsRealAnswer()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target-told-phones-answer.xml", targetPort, extra: ["-d", "200"]);
        await using var phone = await Linphone.StartAsync("alice", "s3cret-pass", factory.SipPort);
        string key;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            key = (await scope.ServiceProvider.GetRequiredService<CallManagerKeyService>().CreateAsync(alice, "voice app")).Key;
        }

        await phone.CommandAsync($"call sip:232@{Service}");
        var call = await WaitForAnsweredCallAsync(phone);
        using var response = await http.GetAsync(
            $"/callmanager/blindtransfer?user=alice&callid={Uri.EscapeDataString(call.AnsweredLeg!.CallId)}&destination=5551234" +
            $"&key={Uri.EscapeDataString(key)}&wait=20");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync() + "\n--- linphone ---\n" + phone.Process.Output);
        await voiceApp.WaitForExitAsync(PeerTimeout);
        Assert.True(voiceApp.ExitCode == 0, voiceApp.Output);
        // The target's scenario waits for its re-INVITE with Linphone's answer before the BYE.
        await WaitUntilAsync(() => Calls.Find(call.Id)?.AnsweredLeg?.Role == CallLegRole.Transfer, phone);
        await phone.CommandAsync("terminate");
        await target.WaitForExitAsync(PeerTimeout);
        Assert.True(target.ExitCode == 0, target.Output + "\n--- linphone ---\n" + phone.Process.Output);
        Assert.Equal((CallStatus.Completed, "caller hung up"), await WaitForEndedRecordAsync());
    }

    [Fact]
    public async Task Linphone_RefersTheVoiceAppToTheTarget_AndLeavesTheCall()
    {
        await using var voiceApp = Sipp.StartUas("transfer-reinvited-callee.xml", voiceAppPort, extra: ["-d", "500"]);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);
        await using var phone = await Linphone.StartAsync("alice", "s3cret-pass", factory.SipPort);

        await phone.CommandAsync($"call sip:232@{Service}");
        await WaitForAnsweredCallAsync(phone);
        await phone.CommandAsync($"transfer 1 sip:5551234@{Service}");

        await voiceApp.WaitForExitAsync(PeerTimeout);
        await target.WaitForExitAsync(PeerTimeout);
        Assert.True(voiceApp.ExitCode == 0 && target.ExitCode == 0,
            $"--- voice app ---\n{voiceApp.Output}\n--- target ---\n{target.Output}\n--- linphone ---\n{phone.Process.Output}");
        var record = await WaitForEndedRecordAsync();
        Assert.Equal((CallStatus.Completed, "callee hung up"), record);
    }

    private async Task<CallSnapshot> WaitForAnsweredCallAsync(Linphone phone)
    {
        CallSnapshot? answered = null;
        await WaitUntilAsync(() => (answered = Calls.GetCalls(alice.UserId).FirstOrDefault(c => c.State == CallState.Answered)) is not null, phone);
        return answered!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Linphone phone)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out\n--- linphone ---\n" + phone.Process.Output);
            await Task.Delay(50);
        }
    }

    private async Task<(CallStatus, string?)> WaitForEndedRecordAsync()
    {
        var record = await factory.WaitForEndedCallRecordAsync();
        return (record.Status, record.HangupReason);
    }
}

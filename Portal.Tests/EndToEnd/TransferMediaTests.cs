using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Sip.Calls;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Media after a blind transfer (RFC 3725): the party that stays answers the re-INVITE with a description other
/// than the one the new party was first offered, and the new party is re-INVITEd with it. sipp peers on 127.0.0.1.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class TransferMediaTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);
    private readonly PortalWebFactory factory = new();
    private readonly int voiceAppPort = PeerProcess.FreePort();
    private readonly int targetPort = PeerProcess.FreePort();
    private PortalCaller alice = null!;
    private HttpClient http = null!;
    private string key = "";

    public async Task InitializeAsync()
    {
        http = new HttpClient { BaseAddress = factory.StartKestrel() };
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await factory.UseOutDialplanAsync(alice, "alice", $"when /^232$/ then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")");
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DialplanService>()
            .SetAsync(alice, "transfer", $"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")");
        key = (await scope.ServiceProvider.GetRequiredService<CallManagerKeyService>().CreateAsync(alice, "voice app")).Key;
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await factory.DisposeAsync();
    }

    private CallManager Calls => factory.Services.GetRequiredService<SipHostedService>().Calls;

    [Fact]
    public async Task TheStayingPartyAnswersWithAnotherPortAndCodec_TheNewPartyIsReinvitedWithIt()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target-reoffered.xml", targetPort, extra: ["-d", "200"]);
        var caller = Sipp.RunAsync("transfer-caller-moves-media.xml", factory.SipPort, service: "232", authUser: "alice",
            authPassword: "s3cret-pass", timeout: PeerTimeout, extra: ["-d", "1500"]);

        var call = await WaitForAnsweredCallAsync();
        using var response = await http.GetAsync(
            $"/callmanager/blindtransfer?user=alice&callid={Uri.EscapeDataString(call.AnsweredLeg!.CallId)}&destination=5551234" +
            $"&key={Uri.EscapeDataString(key)}&wait=20");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        // The target's scenario checks its re-INVITE: port 7300, PCMA only, under the origin of its first INVITE.
        var (exit, output) = await caller;
        await voiceApp.WaitForExitAsync(PeerTimeout);
        await target.WaitForExitAsync(PeerTimeout);
        Assert.True(exit == 0 && voiceApp.ExitCode == 0 && target.ExitCode == 0,
            $"--- caller ---\n{output}\n--- voice app ---\n{voiceApp.Output}\n--- target ---\n{target.Output}");
        Assert.Equal(CallStatus.Completed, (await factory.WaitForEndedCallRecordAsync()).Status);
    }

    private async Task<Portal.Sip.Calls.Records.CallSnapshot> WaitForAnsweredCallAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (Calls.GetCalls(alice.UserId).FirstOrDefault(c => c.State == CallState.Answered) is { } call)
            {
                return call;
            }

            await Task.Delay(20);
        }

        Assert.Fail("No call of alice's was answered.");
        return null!;
    }
}

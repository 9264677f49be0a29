using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Services;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// DESIGN §10 against a real call: with <c>Sip:MaxTransfersPerCall=1</c>, a voice app's second blindtransfer of
/// the same call is refused with 403 and a reason a script author can read, and nothing more is dialled.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class TransferLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);
    private readonly PortalWebFactory factory = new PortalWebFactory().With("Sip:MaxTransfersPerCall", "1");
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
        await scope.ServiceProvider.GetRequiredService<DialplanService>().SetAsync(alice, "transfer", $"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")");
        key = (await scope.ServiceProvider.GetRequiredService<CallManagerKeyService>().CreateAsync(alice, "tropo")).Key;
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task TheSecondTransferOfACall_PastMaxTransfersPerCall_Is403WithTheReason()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("call-uas-busy.xml", targetPort);
        var caller = Sipp.RunAsync("call-uac-auth.xml", factory.SipPort, service: "232", authUser: "alice", authPassword: "s3cret-pass",
            timeout: PeerTimeout, extra: ["-d", "3000"]);
        var calls = factory.Services.GetRequiredService<SipHostedService>().Calls;
        var call = await WaitForAnsweredCallAsync(calls);

        using var first = await http.GetAsync(TransferUrl(call.AnsweredLeg!.CallId, wait: 20));
        using var second = await http.GetAsync(TransferUrl(call.AnsweredLeg.CallId, wait: null));

        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        var body = await second.Content.ReadAsStringAsync();
        Assert.True(second.StatusCode == HttpStatusCode.Forbidden, $"{(int)second.StatusCode} {body}");
        Assert.Equal("403 this call has had 1 transfer, the most one call may have (Sip:MaxTransfersPerCall)", body.Trim());
        var (exit, output) = await caller;
        await voiceApp.WaitForExitAsync(PeerTimeout);
        await target.WaitForExitAsync(PeerTimeout);
        Assert.True(exit == 0 && voiceApp.ExitCode == 0 && target.ExitCode == 0,
            $"--- caller ---\n{output}\n--- voice app ---\n{voiceApp.Output}\n--- target ---\n{target.Output}");
    }

    private string TransferUrl(string callId, int? wait) =>
        $"/callmanager/blindtransfer?user=alice&callid={Uri.EscapeDataString(callId)}&destination=5551234&key={Uri.EscapeDataString(key)}" +
        (wait is { } w ? $"&wait={w.ToString(CultureInfo.InvariantCulture)}" : "");

    private static async Task<CallSnapshot> WaitForAnsweredCallAsync(CallManager calls)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (calls.GetCalls().FirstOrDefault(c => c.State == CallState.Answered) is { } call)
            {
                return call;
            }

            await Task.Delay(20);
        }

        Assert.Fail("No call was answered.");
        return null!;
    }
}

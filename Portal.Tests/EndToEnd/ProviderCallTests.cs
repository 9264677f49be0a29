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
using RecordDirection = Portal.Data.Entities.CallDirection;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Calls in from a provider (DESIGN §5, §10) with real peers: a sipp provider takes the service's registration,
/// then calls the DID it registered at the contact token. Its call rings a baresip phone through the provider's
/// incoming dialplan; and it runs the story of DESIGN §2: a voice app, a blind transfer, and out through a second
/// provider.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class ProviderCallTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);
    private readonly PortalWebFactory factory = new PortalWebFactory().With("Sip:ProviderScanSeconds", "1");
    private readonly int providerPort = PeerProcess.FreePort();
    private PortalCaller alice = null!;
    private Uri baseAddress = null!;

    public async Task InitializeAsync()
    {
        baseAddress = factory.StartKestrel();
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private CallManager Calls => factory.Services.GetRequiredService<SipHostedService>().Calls;

    [Fact]
    public async Task ProviderCall_ToItsToken_RingsABaresipPhoneThroughTheIncomingDialplan()
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice-desk", Password = "s3cret-pass" });
        }

        await SetDialplanAsync("from-trunk", "when /^15550001111$/ then sys.Dial(\"alice-desk@local\")\nelse sys.Respond(404, \"No such number\")");
        await using var phone = await Baresip.StartAsync("alice-desk", "s3cret-pass", factory.SipPort);
        await phone.Process.WaitForOutputAsync("200 OK", TimeSpan.FromSeconds(20));

        await using var provider = StartProvider("provider-register-then-call.xml", holdMilliseconds: 1000);
        await CreateRegisteringProviderAsync();

        await provider.WaitForExitAsync(PeerTimeout);
        Assert.True(provider.ExitCode == 0, provider.Output + "\n--- baresip ---\n" + phone.Process.Output);
        var record = await factory.WaitForEndedCallRecordAsync();
        Assert.Equal((CallStatus.Completed, RecordDirection.Inbound), (record.Status, record.Direction));
        Assert.Equal("from-trunk", record.DialplanName);
    }

    [Fact]
    public async Task ProviderCall_RunsTheStory_VoiceApp_BlindTransfer_OutThroughASecondProvider()
    {
        var voiceAppPort = PeerProcess.FreePort();
        var secondProviderPort = PeerProcess.FreePort();
        await SetDialplanAsync("from-trunk", $"when /^15550001111$/ then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProviderService>().CreateAsync(alice, new ProviderInput
            {
                Name = "outbound", Server = $"127.0.0.1:{secondProviderPort}", FromUser = "4930111",
            });
        }

        await SetDialplanAsync("transfer", "when /^(\\d+)$/ then sys.Dial(\"$1@outbound\")");

        var key = (await factory.CreateCallManagerKeyAsync(alice)).Key;
        using var http = new HttpClient { BaseAddress = baseAddress };
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var secondProvider = Sipp.StartUas("transfer-target.xml", secondProviderPort, extra: ["-d", "200"]);
        await using var provider = StartProvider("provider-register-then-transferred-call.xml", holdMilliseconds: 1000);
        await CreateRegisteringProviderAsync();

        var call = await WaitForAnsweredCallAsync();
        Assert.Equal(("trunk", Portal.Sip.Calls.CallDirection.Inbound), (call.AccountUsername, call.Direction));
        using var response = await http.GetAsync($"/callmanager/blindtransfer?user=alice&callid={Uri.EscapeDataString(call.AnsweredLeg!.CallId)}" +
            $"&destination=5551234&wait=20&key={Uri.EscapeDataString(key)}");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await provider.WaitForExitAsync(PeerTimeout);
        await voiceApp.WaitForExitAsync(PeerTimeout);
        await secondProvider.WaitForExitAsync(PeerTimeout);
        Assert.True(provider.ExitCode == 0 && voiceApp.ExitCode == 0 && secondProvider.ExitCode == 0,
            $"--- provider ---\n{provider.Output}\n--- voice app ---\n{voiceApp.Output}\n--- second provider ---\n{secondProvider.Output}");
        var record = await factory.WaitForEndedCallRecordAsync();
        Assert.Equal(CallStatus.Completed, record.Status);
        Assert.StartsWith($"5551234 (sip:5551234@127.0.0.1:{secondProviderPort}", record.TransferredTo);
    }

    private PeerProcess StartProvider(string scenario, int holdMilliseconds) =>
        Sipp.Start(
        [
            "-sf", Sipp.Scenario(scenario), "-i", "127.0.0.1", "-p", providerPort.ToString(CultureInfo.InvariantCulture),
            "-t", "u1", "-m", "1", "-d", holdMilliseconds.ToString(CultureInfo.InvariantCulture), "-timeout", "50s", "-timeout_error",
        ]);

    private async Task CreateRegisteringProviderAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ProviderService>().CreateAsync(alice, new ProviderInput
        {
            Name = "trunk", Server = $"127.0.0.1:{providerPort}", AuthUsername = "acct1", Password = "pr0vider-secret", Register = true,
            RegisterExpirySeconds = 120, InDialplanName = "from-trunk",
        });
    }

    private async Task SetDialplanAsync(string name, string source)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DialplanService>().SetAsync(alice, name, source);
    }

    private async Task<CallSnapshot> WaitForAnsweredCallAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (Calls.GetCalls(alice.UserId).FirstOrDefault(c => c.State == CallState.Answered) is { } call)
            {
                return call;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the provider's call was never answered");
    }
}

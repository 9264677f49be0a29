using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The story of DESIGN §2 with real peers on 127.0.0.1: a sipp (or baresip) phone as alice dials 232, her out
/// dialplan sends it to a sipp voice app with From user <c>xfer-&lt;n&gt;</c>; the voice app's blindtransfer request
/// (an HTTP client here) runs her <c>transfer</c> dialplan, which rings a sipp target. Also REFER from a phone.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class TransferTests : IAsyncLifetime
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
        var baseAddress = factory.StartKestrel();
        http = new HttpClient { BaseAddress = baseAddress };
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await factory.UseOutDialplanAsync(alice, "alice", $"when /^232$/ then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")");
        await SetTransferDialplanAsync($"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")\nelse sys.Respond(404, \"No such destination\")");
        await using var scope = factory.Services.CreateAsyncScope();
        key = (await scope.ServiceProvider.GetRequiredService<CallManagerKeyService>().CreateAsync(alice, "tropo")).Key;
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await factory.DisposeAsync();
    }

    private CallManager Calls => factory.Services.GetRequiredService<SipHostedService>().Calls;

    [Fact]
    public async Task TheStory_TheTargetAnswers_TheVoiceAppGetsABye_AndTheCallerIsReinvitedToTheTarget()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);
        var caller = CallAsAliceAsync("transfer-caller.xml", holdMilliseconds: 1000);

        var call = await WaitForAnsweredCallAsync();
        using var response = await http.GetAsync(TransferUrl(call.AnsweredLeg!.CallId, "5551234", wait: 20));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        await AssertPeersSucceededAsync(caller, voiceApp, target);
        var record = await factory.WaitForEndedCallRecordAsync();
        Assert.Equal((CallStatus.Completed, "caller hung up"), (record.Status, record.HangupReason));
        Assert.StartsWith($"5551234 (sip:5551234@127.0.0.1:{targetPort}", record.TransferredTo);
        await AssertAuditedAsync("transfer.answered");
    }

    [Fact]
    public async Task TheTropoRubySnippetFromTheCallManagerPage_RunAsTheVoiceAppsScript_TransfersTheCall()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);
        var caller = CallAsAliceAsync("transfer-caller.xml", holdMilliseconds: 500);
        var call = await WaitForAnsweredCallAsync();

        // Tropo's scripting functions, standing in for the platform: the leg's Call-ID arrives as x-sbc-call-id,
        // and the caller "enters" 5551234.
        var folder = Directory.CreateTempSubdirectory("tropo-ruby-").FullName;
        var tropo = Path.Combine(folder, "tropo.rb");
        await File.WriteAllTextAsync(tropo, $$"""
            Call = Struct.new(:sbc_call_id) do
              def getHeader(name) = name == "x-sbc-call-id" ? sbc_call_id : nil
            end
            $currentCall = Call.new({{System.Text.Json.JsonSerializer.Serialize(call.AnsweredLeg!.CallId)}})
            Answer = Struct.new(:value)
            def answer = nil
            def ask(prompt, options) = Answer.new("5551234")
            def say(text) = nil
            def hangup = puts("hangup")
            def log(text) = puts(text)
            """);
        var script = Path.Combine(folder, "transfer.rb");
        var snippets = new CallManagerSnippets(http.BaseAddress!.ToString().TrimEnd('/'), "alice", key, "app@127.0.0.1");
        await File.WriteAllTextAsync(script, snippets.TropoRuby);

        var (exit, output) = await PeerProcess.RunAsync("ruby", ["-r", tropo, script], TimeSpan.FromSeconds(30), folder);

        Assert.True(exit == 0, output);
        Assert.Contains("blindtransfer 202: 202 transfer ", output);
        Assert.DoesNotContain("hangup", output);
        await AssertPeersSucceededAsync(caller, voiceApp, target);
        Assert.StartsWith("5551234 (", (await factory.WaitForEndedCallRecordAsync()).TransferredTo);
    }

    [Fact]
    public async Task TheTargetIsBusy_TheCallerStaysWithTheVoiceApp_AndTheWaitingRequestGets502WithTheStatus()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("call-uas-busy.xml", targetPort);
        var caller = CallAsAliceAsync("call-uac-auth.xml", holdMilliseconds: 3000);

        var call = await WaitForAnsweredCallAsync();
        using var response = await http.GetAsync(TransferUrl(call.AnsweredLeg!.CallId, "5551234", wait: 20));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, $"{(int)response.StatusCode} {body}");
        Assert.Contains("486", body);
        Assert.Equal(CallState.Answered, Calls.Find(call.Id)!.State);
        // The caller's BYE still reaches the voice app: the call went on as it was.
        await AssertPeersSucceededAsync(caller, voiceApp, target);
        var record = await factory.WaitForEndedCallRecordAsync();
        Assert.Null(record.TransferredTo);
        await AssertAuditedAsync("transfer.failed");
    }

    [Fact]
    public async Task TheVoiceAppHangsUpWhileTheTransferRings_TheCallerIsKeptAndThenBridged()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app-hangs-up.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "3500"]);
        var caller = CallAsAliceAsync("transfer-caller.xml", holdMilliseconds: 500);

        var call = await WaitForAnsweredCallAsync();
        using var response = await http.GetAsync(TransferUrl(call.AnsweredLeg!.CallId, "5551234"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("transfer", await response.Content.ReadAsStringAsync());
        await AssertPeersSucceededAsync(caller, voiceApp, target);
        var record = await factory.WaitForEndedCallRecordAsync();
        Assert.Equal(CallStatus.Completed, record.Status);
        Assert.NotNull(record.TransferredTo);
    }

    [Fact]
    public async Task AVoiceAppUsingTheFromUserToken_WithABearerKey_IsServedAtTheOriginalServicesPath()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);
        var caller = CallAsAliceAsync("transfer-caller.xml", holdMilliseconds: 500);

        var call = await WaitForAnsweredCallAsync();
        var token = call.AnsweredLeg!.FromUser!;
        Assert.Equal($"xfer-{call.Number.ToString(CultureInfo.InvariantCulture)}", token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/callmanager.svc/blindtransfer")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "alice", ["callid"] = token, ["destination"] = "5551234" }),
        };
        request.Headers.Authorization = new("Bearer", key);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!;
        await AssertPeersSucceededAsync(caller, voiceApp, target);
        using var state = new HttpRequestMessage(HttpMethod.Get, location);
        state.Headers.Authorization = new("Bearer", key);
        state.Headers.Accept.Add(new("application/json"));
        using var stateResponse = await http.SendAsync(state);
        Assert.Equal(HttpStatusCode.OK, stateResponse.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await stateResponse.Content.ReadAsStringAsync());
        Assert.Equal("answered", json.RootElement.GetProperty("state").GetString());
        Assert.Equal(200, json.RootElement.GetProperty("status").GetInt32());
        Assert.StartsWith($"sip:5551234@127.0.0.1:{targetPort}", json.RootElement.GetProperty("target").GetString());
        Assert.True(json.RootElement.GetProperty("dialDelayMs").GetDouble() > 0);
    }

    [Fact]
    public async Task EveryRefusal_HasItsStatus_AgainstARealCall()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("call-uas-ring-until-cancel.xml", targetPort);
        var caller = CallAsAliceAsync("call-uac-auth.xml", holdMilliseconds: 6000);
        var bob = await factory.CreateUserWithSipAccountAsync("bob", "bob", "b0b-secret-1");
        string bobKey;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            bobKey = (await scope.ServiceProvider.GetRequiredService<CallManagerKeyService>().CreateAsync(bob, "bob's")).Key;
        }

        var call = await WaitForAnsweredCallAsync();
        var leg = call.AnsweredLeg!.CallId;

        // 401: a wrong key and an unknown user get the same answer.
        var wrongKey = await GetAsync($"/callmanager/blindtransfer?user=alice&callid={leg}&destination=5551234&key=pk_00000000_nope");
        var unknownUser = await GetAsync($"/callmanager/blindtransfer?user=nobody&callid={leg}&destination=5551234&key={Uri.EscapeDataString(key)}");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.Status);
        Assert.Equal(wrongKey, unknownUser);
        // 404: bob cannot find (or move) alice's call.
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/callmanager/blindtransfer?user=bob&callid={leg}&destination=5551234&key={Uri.EscapeDataString(bobKey)}")).Status);
        // 400: nothing but a plain user part reaches a SIP header.
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(TransferUrl(leg, "555%0d%0aX-Injected: 1", escape: false))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(TransferUrl(leg, "bob@evil.example"))).Status);
        // 422: alice has no transfer dialplan yet.
        await DeleteTransferDialplanAsync();
        var missing = await GetAsync(TransferUrl(leg, "5551234"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.Status);
        Assert.Contains("transfer", missing.Body);
        await SetTransferDialplanAsync($"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")");
        // 202, then 409 while that transfer rings.
        Assert.Equal(HttpStatusCode.Accepted, (await GetAsync(TransferUrl(leg, "5551234"))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await GetAsync(TransferUrl(leg, "5551234"))).Status);
        // The caller hangs up: the ringing target is CANCELled, the voice app gets the BYE.
        await AssertPeersSucceededAsync(caller, voiceApp, target);
    }

    [Fact]
    public async Task TooManyRequests_Get429WithRetryAfter()
    {
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 200 && limited is null; i++)
        {
            var response = await http.GetAsync(TransferUrl("no-such-call", "5551234"));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
        limited.Dispose();
    }

    [Fact]
    public async Task APhoneRefersTheVoiceApp_ToTheTarget_WithNotifies_AndLeavesTheCall()
    {
        await using var voiceApp = Sipp.StartUas("transfer-reinvited-callee.xml", voiceAppPort, extra: ["-d", "500"]);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);

        var caller = CallAsAliceAsync("refer-transferor.xml", holdMilliseconds: 0);

        await AssertPeersSucceededAsync(caller, voiceApp, target);
        var record = await factory.WaitForEndedCallRecordAsync();
        Assert.Equal((CallStatus.Completed, "callee hung up"), (record.Status, record.HangupReason));
        Assert.StartsWith("5551234 (", record.TransferredTo);
        // The REFER itself is audited under the call's owner, as an API or portal request is, with its source.
        await AssertAuditedAsync("transfer.answered");
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var request = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "transfer.request");
        Assert.Equal(("REFER", alice.UserId, "127.0.0.1"), (request.Actor, request.OwnerId, request.SourceIp));
        Assert.StartsWith("to 5551234: started transfer ", request.Detail);
    }

    [Fact]
    public async Task ABaresipPhoneAsTheCaller_IsTransferredToTheTarget_AndHangsUpThere()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target-told-phones-answer.xml", targetPort, extra: ["-d", "200"]);
        await using var phone = await Baresip.StartAsync("alice", "s3cret-pass", factory.SipPort);
        await phone.Process.WaitForOutputAsync("200 OK", TimeSpan.FromSeconds(20));

        var dialled = await phone.CommandAsync("dial", $"sip:232@127.0.0.1:{factory.SipPort.ToString(CultureInfo.InvariantCulture)}");
        var call = await WaitForAnsweredCallAsync(() => $"dial: {dialled}\n--- baresip ---\n{phone.Process.Output}\n--- voice app ---\n{voiceApp.Output}");
        using var response = await http.GetAsync(TransferUrl(call.AnsweredLeg!.CallId, "5551234", wait: 20));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync() + "\n--- baresip ---\n" + phone.Process.Output);
        // The re-INVITE went through: the call is still up, now with the target.
        await Task.Delay(1000);
        var transferred = Calls.Find(call.Id);
        Assert.True(transferred is { State: CallState.Answered }, "the call ended after the transfer\n--- baresip ---\n" + phone.Process.Output);
        Assert.Equal(CallLegRole.Transfer, transferred!.AnsweredLeg!.Role);

        await phone.CommandAsync("hangup");
        await target.WaitForExitAsync(PeerTimeout);
        Assert.True(target.ExitCode == 0, target.Output + "\n--- baresip ---\n" + phone.Process.Output);
        await voiceApp.WaitForExitAsync(PeerTimeout);
        Assert.True(voiceApp.ExitCode == 0, voiceApp.Output);
        Assert.Equal(CallStatus.Completed, (await factory.WaitForEndedCallRecordAsync()).Status);
    }

    private Task<(int ExitCode, string Output)> CallAsAliceAsync(string scenario, int holdMilliseconds) =>
        Sipp.RunAsync(scenario, factory.SipPort, service: "232", authUser: "alice", authPassword: "s3cret-pass", timeout: PeerTimeout,
            extra: ["-d", holdMilliseconds.ToString(CultureInfo.InvariantCulture)]);

    private string TransferUrl(string callId, string destination, int? wait = null, bool escape = true) =>
        $"/callmanager/blindtransfer?user=alice&callid={Uri.EscapeDataString(callId)}&destination={(escape ? Uri.EscapeDataString(destination) : destination)}" +
        $"&key={Uri.EscapeDataString(key)}" + (wait is { } w ? $"&wait={w.ToString(CultureInfo.InvariantCulture)}" : "");

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string url)
    {
        using var response = await http.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<CallSnapshot> WaitForAnsweredCallAsync(Func<string>? diagnostics = null)
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

        Assert.Fail("No call of alice's was answered.\n" + diagnostics?.Invoke());
        return null!;
    }

    private static async Task AssertPeersSucceededAsync(Task<(int ExitCode, string Output)> caller, PeerProcess voiceApp, PeerProcess target)
    {
        var (exit, output) = await caller;
        await voiceApp.WaitForExitAsync(PeerTimeout);
        await target.WaitForExitAsync(PeerTimeout);
        var all = $"--- caller ---\n{output}\n--- voice app ---\n{voiceApp.Output}\n--- target ---\n{target.Output}";
        Assert.True(exit == 0 && voiceApp.ExitCode == 0 && target.ExitCode == 0, all);
    }


    private async Task AssertAuditedAsync(string action)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            if (await db.AuditEntries.AnyAsync(a => a.Action == action) || DateTime.UtcNow > deadline)
            {
                Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == action), $"no {action} audit entry");
                return;
            }

            await Task.Delay(100);
        }
    }

    private async Task SetTransferDialplanAsync(string source)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DialplanService>().SetAsync(alice, "transfer", source);
    }

    private async Task DeleteTransferDialplanAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var dialplans = scope.ServiceProvider.GetRequiredService<DialplanService>();
        var transfer = (await dialplans.ListAsync(alice)).Single(d => d.Name == "transfer");
        await dialplans.DeleteAsync(alice, transfer.Id);
    }
}

using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Records;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Two Portal nodes on one PostgreSQL database and one Redis, behind Kamailio with the shipped dispatcher
/// configuration (deploy/kamailio/portal-dispatcher.cfg), as README "Several machines" describes: phones register and
/// call through Kamailio, the nodes call phones back through it (Path), and a node that stops is skipped. Kamailio's
/// log lines (<c>dispatching INVITE to …</c>, <c>Portal node … is down</c>) show where each request went.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.ProxiesAndClusters)]
public sealed class DispatcherTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);
    private readonly int voiceAppPort = PeerProcess.FreePort();
    private readonly int targetPort = PeerProcess.FreePort();
    private PortalCluster cluster = null!;
    private Kamailio proxy = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        cluster = PortalCluster.Start(2);
        var first = cluster[0];
        alice = await first.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await first.CreateUserWithSipAccountAsync("bob", "bob", "b0b-secret-1");
        await first.UseOutDialplanAsync(alice, "alice",
            $"when /^232$/ then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")\nwhen \"bob\" then sys.Dial(\"bob@local\")");
        await using (var scope = first.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DialplanService>()
                .SetAsync(alice, "transfer", $"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")");
        }

        // The second node reads the accounts and dialplans the first one saved.
        cluster.StartNode(1);
        proxy = await Kamailio.StartDispatcherAsync(cluster.SipPorts);
    }

    public async Task DisposeAsync()
    {
        if (proxy is not null)
        {
            await proxy.DisposeAsync();
        }

        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }

    private string Proxy => proxy.Address;

    [ClusterFact]
    public async Task APhoneAndACaller_ThroughTheDispatcher_RegisterAndAreConnected()
    {
        // Registered through Kamailio: the node that took the REGISTER stored Kamailio's Path in the shared database.
        await using var phone = await Baresip.StartAsync("bob", "b0b-secret-1", proxy.Port);
        await phone.Process.WaitForOutputAsync("200 OK", TimeSpan.FromSeconds(20));
        Assert.Contains("dispatching REGISTER to sip:127.0.0.1:", proxy.Process.Output);
        var binding = await WaitForAsync(async () => (await cluster.BindingsAsync()).SingleOrDefault(), "bob's registration stored");
        Assert.True(binding.Path is { } path && path.StartsWith($"<sip:{Proxy}", StringComparison.Ordinal) && path.Contains("received=", StringComparison.Ordinal),
            $"Path: {binding.Path}");

        // A caller through Kamailio reaches the voice app its dialplan dials; both hang up cleanly.
        await using (var voiceApp = Sipp.StartUas("call-uas-answer.xml", voiceAppPort))
        {
            var (exit, output) = await CallThroughProxyAsync("call-uac-auth.xml", "232", holdMilliseconds: 500);
            await voiceApp.WaitForExitAsync(PeerTimeout);
            Assert.True(exit == 0 && voiceApp.ExitCode == 0, $"{output}\n--- voice app ---\n{voiceApp.Output}\n--- kamailio ---\n{proxy.Process.Output}");
        }

        Assert.Contains("dispatching INVITE to sip:127.0.0.1:", proxy.Process.Output);

        // A call to the registered phone: whichever node takes it sends the INVITE through Kamailio on the Path.
        var (toPhone, toPhoneOutput) = await CallThroughProxyAsync("call-uac-auth-to-phone.xml", "bob", holdMilliseconds: 500);
        Assert.True(toPhone == 0, toPhoneOutput + "\n--- baresip ---\n" + phone.Process.Output + "\n--- kamailio ---\n" + proxy.Process.Output);
        var invite = proxy.Process.Output.Split('\n').FirstOrDefault(l => l.Contains("relaying INVITE sip:", StringComparison.Ordinal)
            && l.Contains($"@127.0.0.1:{phone.SipPort.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal));
        Assert.True(invite is not null && invite.Contains($"route [<sip:{Proxy}", StringComparison.Ordinal), proxy.Process.Output);

        var records = await WaitForAsync(async () => await cluster.RecordsAsync() is { Count: 2 } r && r.All(c => c.EndedAt is not null) ? r : null,
            "both calls recorded as ended");
        Assert.All(records, r => Assert.Equal(CallStatus.Completed, r.Status));
    }

    [ClusterFact]
    public async Task ANodeStops_ItsCallIsInterrupted_NewCallsGoToTheOtherNode_AndItComesBack()
    {
        // A call held on whichever node took it.
        await using var heldVoiceApp = Sipp.StartUas("call-uas-answer.xml", voiceAppPort);
        var heldCaller = CallThroughProxyAsync("call-uac-auth.xml", "232", holdMilliseconds: 60_000);
        var (owner, _) = await WaitForAnsweredCallAsync();
        var survivor = 1 - owner;

        // The owner stops: it hangs up its call (the voice app gets its BYE).
        await cluster.StopNodeAsync(owner);
        await heldVoiceApp.WaitForExitAsync(PeerTimeout);
        Assert.True(heldVoiceApp.ExitCode == 0, heldVoiceApp.Output);
        await heldCaller;

        // Kamailio's pings notice within seconds; every new call goes to the node that is left.
        await proxy.Process.WaitForOutputAsync($"Portal node sip:127.0.0.1:{Port(owner)} is down", TimeSpan.FromSeconds(15));
        var downAt = proxy.Process.Output.Length;
        await using (var voiceApp = Sipp.StartUas("call-uas-answer.xml", voiceAppPort, calls: 4))
        {
            var (exit, output) = await Sipp.RunAsync("call-uac-auth.xml", proxy.Port, calls: 4, rate: 4, service: "232", authUser: "alice",
                authPassword: "s3cret-pass", timeout: PeerTimeout, extra: ["-d", "200"]);
            await voiceApp.WaitForExitAsync(PeerTimeout);
            Assert.True(exit == 0 && voiceApp.ExitCode == 0, $"{output}\n--- voice app ---\n{voiceApp.Output}\n--- kamailio ---\n{proxy.Process.Output}");
        }

        var sinceDown = proxy.Process.Output[downAt..];
        Assert.Contains($"dispatching INVITE to sip:127.0.0.1:{Port(survivor)}", sinceDown);
        Assert.DoesNotContain($"dispatching INVITE to sip:127.0.0.1:{Port(owner)}", sinceDown);

        // Started again on the same NodeId and port, it answers the pings and is chosen again. Its call is Interrupted:
        // recorded so at the stop, or, when the stop could not write it, closed so by the start.
        cluster.StartNode(owner);
        await proxy.Process.WaitForOutputAsync($"Portal node sip:127.0.0.1:{Port(owner)} is up", TimeSpan.FromSeconds(15));
        var records = await WaitForAsync(async () => await cluster.RecordsAsync() is { Count: 5 } r && r.All(c => c.EndedAt is not null) ? r : null,
            "the five calls recorded as ended");
        Assert.Equal(CallStatus.Interrupted, records[0].Status);
        Assert.All(records.Skip(1), r => Assert.Equal(CallStatus.Completed, r.Status));
    }

    [ClusterFact]
    public async Task ABlindTransfer_SentToTheNodeWithoutTheCall_IsForwardedToItsOwner_AndCompletes()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);
        var key = (await cluster[0].CreateCallManagerKeyAsync(alice)).Key;

        var caller = CallThroughProxyAsync("transfer-caller.xml", "232", holdMilliseconds: 1000);
        var (owner, call) = await WaitForAnsweredCallAsync();

        // The voice app's request reaches the other node, which has no such call in memory.
        using var http = new HttpClient { BaseAddress = cluster.HttpAddresses[1 - owner] };
        using var response = await http.GetAsync(
            $"/callmanager/blindtransfer?user=alice&callid={Uri.EscapeDataString(call.AnsweredLeg!.CallId)}&destination=5551234" +
            $"&key={Uri.EscapeDataString(key)}&wait=20");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var (exit, output) = await caller;
        await voiceApp.WaitForExitAsync(PeerTimeout);
        await target.WaitForExitAsync(PeerTimeout);
        // The voice app got its BYE, the target answered, and the caller was re-INVITEd through Kamailio.
        Assert.True(exit == 0 && voiceApp.ExitCode == 0 && target.ExitCode == 0,
            $"--- caller ---\n{output}\n--- voice app ---\n{voiceApp.Output}\n--- target ---\n{target.Output}\n--- kamailio ---\n{proxy.Process.Output}");
        var record = await WaitForAsync(async () => (await cluster.RecordsAsync()).SingleOrDefault(r => r.EndedAt is not null), "the call recorded as ended");
        Assert.StartsWith("5551234", record.TransferredTo);
    }

    [ClusterFact]
    public async Task ANodeStartingAgain_LeavesTheOtherNodesCallsInProgress()
    {
        await using var voiceApp = Sipp.StartUas("call-uas-answer.xml", voiceAppPort);
        var caller = CallThroughProxyAsync("call-uac-auth.xml", "232", holdMilliseconds: 8000);
        var (owner, _) = await WaitForAnsweredCallAsync();
        var other = 1 - owner;

        // The other node restarts: at start it closes the records its own last run left open, not this node's.
        await cluster.StopNodeAsync(other);
        cluster.StartNode(other);
        var open = (await cluster.RecordsAsync()).Single();
        Assert.True(open.EndedAt is null, $"the call on {PortalCluster.NodeId(owner)} was closed as {open.Status} by the restart of {PortalCluster.NodeId(other)}");

        var (exit, output) = await caller;
        await voiceApp.WaitForExitAsync(PeerTimeout);
        Assert.True(exit == 0 && voiceApp.ExitCode == 0, $"{output}\n--- voice app ---\n{voiceApp.Output}");
        var record = await WaitForAsync(async () => (await cluster.RecordsAsync()).SingleOrDefault(r => r.EndedAt is not null), "the call recorded as ended");
        Assert.Equal(CallStatus.Completed, record.Status);
    }

    private string Port(int node) => cluster.SipPorts[node].ToString(CultureInfo.InvariantCulture);

    /// <summary>A sipp phone as alice that sends everything to Kamailio: its Request-URI names Kamailio, as a phone's would name the service's domain.</summary>
    private Task<(int ExitCode, string Output)> CallThroughProxyAsync(string scenario, string number, int holdMilliseconds) =>
        Sipp.RunAsync(scenario, proxy.Port, service: number, authUser: "alice", authPassword: "s3cret-pass", timeout: PeerTimeout,
            extra: ["-d", holdMilliseconds.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Waits until one of alice's calls is answered on some node, and says which.</summary>
    private async Task<(int Node, CallSnapshot Call)> WaitForAnsweredCallAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            for (var node = 0; node < cluster.SipPorts.Count; node++)
            {
                if (cluster.CallsOn(node, alice.UserId).FirstOrDefault(c => c.State == CallState.Answered) is { } call)
                {
                    return (node, call);
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for an answered call\n--- kamailio ---\n{proxy.Process.Output}");
            await Task.Delay(50);
        }
    }

    private async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}\n--- kamailio ---\n{proxy.Process.Output}");
            await Task.Delay(50);
        }
    }
}

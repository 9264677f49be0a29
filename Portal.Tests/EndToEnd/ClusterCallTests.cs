using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Cluster;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Records;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Two nodes on one database and one Redis (DESIGN §11), with real sipp peers calling node A: call control sent to
/// node B is carried out on node A, B's live views show A's calls, and a stopped owner gets 503 with its reason.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.ProxiesAndClusters)]
public sealed class ClusterCallTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"portal-cluster-{Guid.NewGuid():N}");
    private readonly string nodeAId = $"node-a-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly string nodeBId = $"node-b-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly int voiceAppPort = PeerProcess.FreePort();
    private readonly int targetPort = PeerProcess.FreePort();
    private readonly int calleePort = PeerProcess.FreePort();
    private PortalWebFactory? nodeA;
    private PortalWebFactory? nodeB;
    private HttpClient? httpB;
    private PortalCaller alice = null!;
    private string aliceKey = "";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        httpB?.Dispose();
        if (nodeB is not null)
        {
            await nodeB.DisposeAsync();
        }

        if (nodeA is not null)
        {
            await nodeA.DisposeAsync();
        }
    }

    private PortalWebFactory NodeA => nodeA!;

    private PortalWebFactory NodeB => nodeB!;

    [RedisFact]
    public async Task BlindTransferSentToNodeB_ForACallHeldByNodeA_IsCarriedOutThere_AndTheTargetAnswers()
    {
        await StartNodeAAsync();
        StartNodeB();
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);
        var caller = CallAsAliceAsync("transfer-caller.xml", "232", holdMilliseconds: 1000);
        var call = await WaitForCallSeenByNodeBAsync();

        // Another user's key names the leg through node B: not found, as on the owner node.
        var bob = await NodeA.CreateUserWithSipAccountAsync("bob", "bob", "b0b-secret-1");
        var bobKey = (await NodeA.CreateCallManagerKeyAsync(bob)).Key;
        var refused = await httpB!.GetAsync(TransferUrl("bob", bobKey, call.AnsweredLeg!.CallId, "5551234"));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

        using var response = await httpB.GetAsync(TransferUrl("alice", aliceKey, call.AnsweredLeg!.CallId, "5551234", wait: 20));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        await AssertPeersSucceededAsync(caller, voiceApp, target);
        // The transfer's state, asked of node B too, comes from node A.
        using var state = await httpB.GetAsync(response.Headers.Location + $"?key={Uri.EscapeDataString(aliceKey)}");
        Assert.True(state.StatusCode == HttpStatusCode.OK, await state.Content.ReadAsStringAsync());
        Assert.Contains("answered", await state.Content.ReadAsStringAsync());
        await using var db = await NodeA.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var request = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "transfer.request" && a.Detail!.Contains("started"));
        Assert.EndsWith($"on node {nodeAId}", request.Detail);
    }

    [RedisFact]
    public async Task TransferFromNodeBsCallsPage_OfACallHeldByNodeA_BridgesTheCallerToTheTarget()
    {
        await StartNodeAAsync();
        StartNodeB();
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);
        var caller = CallAsAliceAsync("transfer-caller.xml", "232", holdMilliseconds: 1000);
        var call = await WaitForCallSeenByNodeBAsync();

        var transfer = await NodeB.Services.GetRequiredService<LiveCallService>().TransferAsync(alice, call.Id, "5551234", "203.0.113.7");

        Assert.Equal(("5551234", call.Id, "alice"), (transfer.Destination, transfer.CallId, transfer.RequestedBy));
        await AssertPeersSucceededAsync(caller, voiceApp, target);
        await using var db = await NodeA.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Contains(await db.AuditEntries.AsNoTracking().ToListAsync(),
            a => a.Action == "transfer.request" && a.Actor == "alice" && a.SourceIp == "203.0.113.7");
    }

    [RedisFact]
    public async Task NodeB_JoiningLater_ListsNodeAsCall_WithItsNode_AndItsHangUpEndsTheCallOnNodeA()
    {
        await StartNodeAAsync();
        await using var callee = Sipp.StartUas("call-uas-answer.xml", calleePort);
        // Both parties wait for the service's BYE: only the hang-up ends this call.
        var caller = CallAsAliceAsync("call-uac-auth-callee-hangs-up.xml", "uas", holdMilliseconds: 0);
        await WaitAsync(() => NodeA.Services.GetRequiredService<SipHostedService>().Calls.GetCalls().Any(c => c.State == CallState.Answered),
            "node A has no answered call");
        StartNodeB();

        var call = await WaitForCallSeenByNodeBAsync();
        var live = NodeB.Services.GetRequiredService<LiveCallService>();
        Assert.True(live.IsClustered);
        Assert.False(live.IsHere(call));
        // Node A checks ownership itself: bob's hang-up through node B finds nothing.
        var bob = new PortalCaller("not-alices-id", "bob", false);
        await Assert.ThrowsAsync<PortalNotFoundException>(() => live.HangUpAsync(bob, call.Id));

        await live.HangUpAsync(alice, call.Id, "203.0.113.9");

        var (exit, output) = await caller;
        await callee.WaitForExitAsync(PeerTimeout);
        Assert.True(exit == 0 && callee.ExitCode == 0, $"--- caller ---\n{output}\n--- callee ---\n{callee.Output}");
        await WaitAsync(() => live.List(alice).Count == 0, "node B still lists the call");
        await using var db = await NodeA.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var record = await db.CallRecords.AsNoTracking().SingleAsync();
        Assert.Equal(("hung up from the portal by alice", nodeAId), (record.HangupReason, record.NodeId));
        Assert.Contains(await db.AuditEntries.AsNoTracking().ToListAsync(),
            a => a.Action == "call.hangup" && a.Actor == "alice" && a.SourceIp == "203.0.113.9");
    }

    [RedisFact]
    public async Task TheOwnerNodeStopped_CallControlThroughNodeB_Gets503WithTheReason()
    {
        await StartNodeAAsync();
        StartNodeB();
        await using var callee = Sipp.StartUas("call-uas-answer.xml", calleePort);
        var caller = CallAsAliceAsync("call-uac-auth-callee-hangs-up.xml", "uas", holdMilliseconds: 0);
        var call = await WaitForCallSeenByNodeBAsync();

        // Node A stops as its host stops it: it leaves the cluster, then its SIP service hangs up its calls.
        await NodeA.Services.GetRequiredService<ClusterCallPublisher>().StopAsync(CancellationToken.None);
        await NodeA.Services.GetRequiredService<SipHostedService>().StopAsync(CancellationToken.None);
        await caller;

        using var response = await httpB!.GetAsync(TransferUrl("alice", aliceKey, call.CallerLeg.CallId, "5551234"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {body}");
        Assert.Contains($"node {nodeAId}, which held the call, has stopped", body);
        var hangUp = await Assert.ThrowsAsync<PortalUnavailableException>(
            () => NodeB.Services.GetRequiredService<LiveCallService>().HangUpAsync(alice, call.Id));
        Assert.Contains(nodeAId, hangUp.Message);
    }

    private async Task StartNodeAAsync()
    {
        nodeA = Node(new PortalWebFactory(directory), nodeAId);
        nodeA.StartKestrel();
        alice = await NodeA.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await NodeA.UseOutDialplanAsync(alice, "alice",
            $"when /^232$/ then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")\n" +
            $"when \"uas\" then sys.Dial(\"uas@127.0.0.1:{calleePort}[fu=xfer-#{{sys.CallNumber}}]\")");
        await using var scope = NodeA.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DialplanService>()
            .SetAsync(alice, "transfer", $"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")");
        aliceKey = (await NodeA.CreateCallManagerKeyAsync(alice)).Key;
    }

    /// <summary>Node B: the same database (the same data folder, kept for node A to remove) and the same Redis.</summary>
    private void StartNodeB()
    {
        nodeB = Node(new PortalWebFactory(directory, keepDirectory: true), nodeBId);
        httpB = new HttpClient { BaseAddress = nodeB.StartKestrel() };
    }

    private static PortalWebFactory Node(PortalWebFactory factory, string nodeId) =>
        factory.With("Cluster:NodeId", nodeId).With("Cluster:Redis", RedisFactAttribute.Server!);

    /// <summary>Alice's answered call as node B lists it, naming node A.</summary>
    private async Task<CallSnapshot> WaitForCallSeenByNodeBAsync()
    {
        var live = NodeB.Services.GetRequiredService<LiveCallService>();
        CallSnapshot? seen = null;
        await WaitAsync(() => (seen = live.List(alice).FirstOrDefault(c => c.State == CallState.Answered)) is not null,
            "node B does not list alice's answered call");
        Assert.Equal(nodeAId, seen!.Node);
        return seen;
    }

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }

    private Task<(int ExitCode, string Output)> CallAsAliceAsync(string scenario, string service, int holdMilliseconds) =>
        Sipp.RunAsync(scenario, NodeA.SipPort, service: service, authUser: "alice", authPassword: "s3cret-pass", timeout: PeerTimeout,
            extra: ["-d", holdMilliseconds.ToString(CultureInfo.InvariantCulture)]);

    private static string TransferUrl(string user, string key, string callId, string destination, int? wait = null) =>
        $"/callmanager/blindtransfer?user={user}&callid={Uri.EscapeDataString(callId)}&destination={Uri.EscapeDataString(destination)}" +
        $"&key={Uri.EscapeDataString(key)}" + (wait is { } w ? $"&wait={w.ToString(CultureInfo.InvariantCulture)}" : "");

    private static async Task AssertPeersSucceededAsync(Task<(int ExitCode, string Output)> caller, PeerProcess voiceApp, PeerProcess target)
    {
        var (exit, output) = await caller;
        await voiceApp.WaitForExitAsync(PeerTimeout);
        await target.WaitForExitAsync(PeerTimeout);
        var all = $"--- caller ---\n{output}\n--- voice app ---\n{voiceApp.Output}\n--- target ---\n{target.Output}";
        Assert.True(exit == 0 && voiceApp.ExitCode == 0 && target.ExitCode == 0, all);
    }
}

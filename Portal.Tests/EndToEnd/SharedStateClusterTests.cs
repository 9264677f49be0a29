using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Limits;
using Portal.Sip.Registrar;
using Portal.SipIntegration;
using Portal.SipIntegration.Directory;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Two nodes on one database and one Redis (DESIGN §11): a dialplan saved on one is what the other's calls use, a
/// phone registered on one is called from the other and unregistered there, and bans and failed-answer counts made
/// on one hold on both. Peers that misbehave do so from an address of their own in 127.0.0.0/8, so the bans they
/// earn touch no other test.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.ProxiesAndClusters)]
public sealed class SharedStateClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"portal-cluster-{Guid.NewGuid():N}");
    private readonly List<PortalWebFactory> nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The first node owns the data folder and database: it goes last.
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            await nodes[i].DisposeAsync();
        }
    }

    [RedisFact]
    public async Task Dialplan_EditedOnOneNode_IsTheOneTheOtherNodesCallsUse()
    {
        var a = Node("node-a", new());
        var alice = await a.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await a.UseOutDialplanAsync(alice, "alice", "when \"bob\" then sys.Dial(\"bob@local\")");
        var b = Node("node-b", new());
        var calls = (IDialplanSource)b.Services.GetRequiredService<SipDirectory>();
        Assert.Contains("bob@local", (await calls.GetAsync(alice.UserId, "default"))!.Source);

        using var changed = DirectoryChanges(b);
        await using (var scope = a.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DialplanService>().SetAsync(alice, "default", "when \"bob\" then sys.Dial(\"carol@local\")");
        }

        // B read alice's dialplans at its start; without word from A it would keep the old one for a minute.
        await UntilAsync(changed.Signal, async () => (await calls.GetAsync(alice.UserId, "default"))!.Source.Contains("carol@local", StringComparison.Ordinal),
            "node B to use the dialplan saved on node A");
    }

    [RedisFact]
    public async Task Phone_RegisteredOnOneNode_IsCalledFromTheOther_AndUnregisteredThere()
    {
        var a = Node("node-a", new());
        var b = Node("node-b", new());
        var alice = await a.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await a.UseOutDialplanAsync(alice, "alice", "when \"bob\" then sys.Dial(\"bob@local\")");
        await a.CreateUserWithSipAccountAsync("bob", "bob", "b0b-secret-1");
        int bobId;
        await using (var db = await a.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            bobId = (await db.SipAccounts.SingleAsync(s => s.Username == "bob")).Id;
        }

        // B hears of the accounts and the dialplan saved on A.
        var directory = b.Services.GetRequiredService<SipDirectory>();
        using (var changed = DirectoryChanges(b))
        {
            await UntilAsync(changed.Signal, async () => await directory.FindAsync("alice") is not null && await directory.FindAsync("bob") is not null
                && await ((IDialplanSource)directory).GetAsync(alice.UserId, "default") is not null, "node B to know the accounts saved on node A");
        }

        // B reads bob's bindings (none) now, so only word from A makes it read them again.
        var bBindings = b.Services.GetRequiredService<SipHostedService>().Server.Bindings;
        Assert.Empty(await bBindings.ListAsync(bobId));
        using var registrations = new Signal();
        using var subscription = b.Services.GetRequiredService<SipRegistrationEvents>().Subscribe(id => registrations.Set(id == bobId));

        await using var phone = await Baresip.StartAsync("bob", "b0b-secret-1", a.SipPort);
        await phone.Process.WaitForOutputAsync("200 OK", Patience);
        await UntilAsync(registrations, async () => (await bBindings.ListAsync(bobId)).Count > 0, "node B to find the phone registered on node A");
        Assert.Contains($":{phone.SipPort.ToString(CultureInfo.InvariantCulture)}", Assert.Single(await bBindings.ListAsync(bobId)).ReceivedFrom);

        var (exit, output) = await Sipp.RunAsync("call-uac-auth-to-phone.xml", b.SipPort, service: "bob", authUser: "alice",
            authPassword: "s3cret-pass", extra: ["-d", "1000"]);
        Assert.True(exit == 0, output + "\n--- baresip ---\n" + phone.Process.Output);

        (exit, output) = await Sipp.RunAsync("register-remove-all.xml", a.SipPort, service: "bob", authUser: "bob", authPassword: "b0b-secret-1");
        Assert.True(exit == 0, output);
        await UntilAsync(registrations, async () => (await bBindings.ListAsync(bobId)).Count == 0, "node B to forget the phone unregistered on node A");
    }

    [RedisFact]
    public async Task FailedAnswers_SpreadOverTwoNodes_AddUp_AndTheBlockHoldsOnBoth()
    {
        var limits = new Dictionary<string, string> { ["Sip:Limits:AuthFailuresPerAddress"] = "3" };
        var a = Node("node-a", limits);
        var b = Node("node-b", limits);
        var user = $"carol{Guid.NewGuid():N}"[..16];
        await a.CreateUserWithSipAccountAsync("carol", user, "c4rol-secret");
        var guesser = GuesserAddress();
        using var banned = new Signal();
        using var heard = a.Services.GetRequiredService<ISharedBans>().Subscribe(ban => banned.Set(ban.Address.Equals(guesser)));

        // Two wrong answers on A, one on B: neither node alone is at three.
        foreach (var node in new[] { a, a, b })
        {
            var (failed, log) = await Sipp.RunAsync("register-rejected.xml", node.SipPort, service: user, authUser: user, authPassword: "wrong",
                extra: ["-i", guesser.ToString()]);
            Assert.True(failed == 0, log);
        }

        await UntilAsync(banned, () => Task.FromResult(false), "node A to hear of the block node B started", untilSignalled: true);
        var (exit, output) = await Sipp.RunAsync("register-auth.xml", a.SipPort, service: user, authUser: user, authPassword: "c4rol-secret",
            extra: ["-i", guesser.ToString()]);
        Assert.True(exit != 0, "the right password from the blocked address was accepted on node A:\n" + output);
        Assert.Contains("403", output);
    }

    [RedisFact]
    public async Task Flood_BannedOnOneNode_IsIgnoredByTheOther()
    {
        var limits = new Dictionary<string, string> { ["Sip:Limits:RequestsPerSecondPerAddress"] = "20" };
        var a = Node("node-a", limits);
        var b = Node("node-b", limits);
        var flooder = GuesserAddress();
        using var probe = Socket(flooder);
        Assert.StartsWith("SIP/2.0 200", await OptionsAsync(probe, b.SipPort, "before"));
        using var banned = new Signal();
        using var heard = b.Services.GetRequiredService<ISharedBans>().Subscribe(ban => banned.Set(ban.Address.Equals(flooder)));

        using (var flood = Socket(flooder))
        {
            for (var i = 0; i < 60; i++)
            {
                await flood.SendToAsync(Options(flood, $"flood-{i}"), new IPEndPoint(IPAddress.Loopback, a.SipPort));
            }
        }

        await UntilAsync(banned, () => Task.FromResult(false), "node B to hear of node A's flood ban", untilSignalled: true);
        await probe.SendToAsync(Options(probe, "after"), new IPEndPoint(IPAddress.Loopback, b.SipPort));
        // B still answers everyone else, and had the flooder's request in hand before this one.
        using var other = Socket(IPAddress.Loopback);
        Assert.StartsWith("SIP/2.0 200", await OptionsAsync(other, b.SipPort, "other"));
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await probe.ReceiveAsync(new byte[8192], wait.Token));
    }

    private PortalWebFactory Node(string nodeId, Dictionary<string, string> settings)
    {
        // One data folder, so one database; the first node made owns it.
        var node = new PortalWebFactory(folder, keepDirectory: nodes.Count > 0)
            .With("Cluster:NodeId", nodeId)
            .With("Cluster:Redis", RedisFactAttribute.Server!);
        foreach (var (key, value) in settings)
        {
            node.With(key, value);
        }

        nodes.Add(node);
        node.StartKestrel();
        return node;
    }

    private static DirectoryWatch DirectoryChanges(PortalWebFactory node) => new(node.Services.GetRequiredService<SipDirectoryChanges>());

    /// <summary>An address of the loopback network no other test sends from.</summary>
    private static IPAddress GuesserAddress() => new([127, 0, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(2, 255)]);

    private static Socket Socket(IPAddress address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    }

    private static byte[] Options(Socket socket, string id)
    {
        var local = (IPEndPoint)socket.LocalEndPoint!;
        return Encoding.ASCII.GetBytes(
            $"OPTIONS sip:sip.example.test SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bK-{id}-{Guid.NewGuid():N};rport\r\n" +
            $"From: <sip:probe@{local.Address}>;tag={id}\r\nTo: <sip:sip.example.test>\r\nCall-ID: {id}-{Guid.NewGuid():N}\r\n" +
            "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
    }

    private static async Task<string> OptionsAsync(Socket socket, int port, string id)
    {
        await socket.SendToAsync(Options(socket, id), new IPEndPoint(IPAddress.Loopback, port));
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(Patience);
        return Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer, timeout.Token));
    }

    /// <summary>Waits, on each <paramref name="signal"/>, until <paramref name="done"/> holds (or the signal came, with <paramref name="untilSignalled"/>).</summary>
    private static async Task UntilAsync(Signal signal, Func<Task<bool>> done, string what, bool untilSignalled = false)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!(untilSignalled && signal.Seen) && !await done())
        {
            try
            {
                await signal.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
        }
    }

    /// <summary>Released by each event a test waits on; remembers whether the one it waits for came.</summary>
    private class Signal : IDisposable
    {
        private readonly SemaphoreSlim released = new(0);
        private volatile bool seen;

        public bool Seen => seen;

        public void Set(bool match)
        {
            if (match)
            {
                seen = true;
                released.Release();
            }
        }

        public Task WaitAsync(CancellationToken cancellationToken) => released.WaitAsync(cancellationToken);

        public virtual void Dispose() => released.Dispose();
    }

    private sealed class DirectoryWatch : Signal
    {
        private readonly SipDirectoryChanges changes;

        public DirectoryWatch(SipDirectoryChanges changes)
        {
            this.changes = changes;
            changes.Changed += OnChanged;
        }

        public Signal Signal => this;

        public override void Dispose()
        {
            changes.Changed -= OnChanged;
            base.Dispose();
        }

        private void OnChanged(SipDirectoryChange change) => Set(true);
    }
}

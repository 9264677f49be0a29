using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Auth;
using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Registrar;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;
using Portal.Tests.Sip.Transactions;

namespace Portal.Tests.Sip.Registrar;

/// <summary>
/// Keep-alives to phones behind NAT (nathelper's pings): an OPTIONS to each NATed UDP binding's source; one that
/// goes unanswered past timer F marks the binding unreachable, and it is no longer rung.
/// </summary>
public sealed class NatKeepAliveTests
{
    private static readonly SipEndPoint Local = SipEndPoint.Parse("udp:192.0.2.1:5060");
    private static readonly SipEndPoint NatSource = SipEndPoint.Parse("udp:203.0.113.9:41000");

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryBindingStore store = new();
    private readonly FakeSipMessageSender sender;
    private readonly SipTransactionLayer layer;
    private readonly SipRegistrar registrar;
    private readonly NatKeepAlive keepAlive;
    private readonly List<int> changed = [];

    public NatKeepAliveTests()
    {
        sender = new FakeSipMessageSender(time);
        layer = new SipTransactionLayer(sender, new RecordingRequestHandler(), time, NullLogger.Instance);
        registrar = new SipRegistrar(store, time);
        registrar.BindingsChanged += changed.Add;
        keepAlive = new NatKeepAlive(layer, new SipLocalAddress([Local]), "sip.example.test", registrar, store, time, NullLogger.Instance,
            TimeSpan.FromSeconds(30));
        var expires = time.GetUtcNow().UtcDateTime.AddMinutes(30);
        store.Bindings[7] =
        [
            new SipBindingRecord("sip:bob@192.168.1.50:5060", NatSource.ToString(), "nat phone", expires, "c1", 1),
            new SipBindingRecord("sip:bob@198.51.100.4:5060", "udp:198.51.100.4:5060", "public phone", expires, "c2", 1),
            new SipBindingRecord("sip:bob@192.168.1.51:5060;transport=tcp", "tcp:203.0.113.9:42000", "tcp phone", expires, "c3", 1),
        ];
    }

    [Fact]
    public async Task PingAsync_OnlyTheNatedUdpBinding_GetsAnOptions_AtItsSource()
    {
        var round = keepAlive.PingAsync();

        var (options, remote, _) = Assert.Single(sender.Sent);
        Assert.Equal(("OPTIONS", "sip:bob@192.168.1.50:5060", NatSource), (((SipRequest)options).Method.Name, ((SipRequest)options).Uri.ToString(), remote));
        await AnswerAsync((SipRequest)options, 200);
        Assert.Equal(0, await round);
    }

    [Fact]
    public async Task PingAsync_Answered_EvenWithAnError_KeepsTheBinding()
    {
        var round = keepAlive.PingAsync();

        await AnswerAsync((SipRequest)Assert.Single(sender.Sent).Message, 405);

        Assert.Equal(0, await round);
        Assert.All(store.Bindings[7], b => Assert.Null(b.UnreachableSince));
        Assert.Empty(changed);
    }

    [Fact]
    public async Task PingAsync_Unanswered_MarksTheBindingUnreachable_AfterTimerF()
    {
        var round = keepAlive.PingAsync();

        for (var i = 0; i < 34 && !round.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.Equal(1, await round.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(sender.Requests.Count > 1, "the keep-alive is retransmitted over UDP before it is given up");
        var nated = store.Bindings[7].Single(b => b.ContactUri == "sip:bob@192.168.1.50:5060");
        Assert.NotNull(nated.UnreachableSince);
        Assert.All(store.Bindings[7].Where(b => b != nated), b => Assert.Null(b.UnreachableSince));
        Assert.Equal([7], changed);

        // An unreachable binding gets no more keep-alives until it registers again.
        sender.Clear();
        Assert.Equal(0, await keepAlive.PingAsync());
        Assert.Empty(sender.Sent);
    }

    [Fact]
    public async Task RegisterAgain_AfterBeingMarkedUnreachable_ClearsTheMark()
    {
        var binding = store.Bindings[7][0];
        Assert.True(await registrar.MarkUnreachableAsync(7, binding));
        var account = new SipAccountCredentials(7, "bob", "owner-1", "owner", "sip.example.test", "", "", false, false, false, null, null);

        var response = await registrar.RegisterAsync(
            SipTestMessages.Register("bob", contact: "<sip:bob@192.168.1.50:5060>", expires: 600, callId: "c1", cseq: 2), account, NatSource);

        Assert.Equal(200, response.StatusCode);
        Assert.Null(store.Bindings[7].Single(b => b.ContactUri == "sip:bob@192.168.1.50:5060").UnreachableSince);
    }

    [Fact]
    public async Task Register_WithNatMaxExpires_ShortensOnlyTheNatedUdpBinding()
    {
        var shortRegistrar = new SipRegistrar(store, time, new RegistrarOptions { NatMaxExpires = 90 });
        var account = new SipAccountCredentials(8, "carol", "owner-1", "owner", "sip.example.test", "", "", false, false, false, null, null);

        var nated = await shortRegistrar.RegisterAsync(SipTestMessages.Register("carol", contact: "<sip:carol@192.168.1.60:5060>", expires: 3600), account, NatSource);
        var direct = await shortRegistrar.RegisterAsync(
            SipTestMessages.Register("carol", contact: "<sip:carol@198.51.100.4:5060>", expires: 3600, callId: "other"), account,
            SipEndPoint.Parse("udp:198.51.100.4:5060"));

        Assert.Equal((200, 200), (nated.StatusCode, direct.StatusCode));
        var now = time.GetUtcNow().UtcDateTime;
        Assert.Equal(now.AddSeconds(90), store.Bindings[8].Single(b => b.ContactUri.Contains("192.168.1.60", StringComparison.Ordinal)).ExpiresAt);
        Assert.Equal(now.AddSeconds(3600), store.Bindings[8].Single(b => b.ContactUri.Contains("198.51.100.4", StringComparison.Ordinal)).ExpiresAt);
    }

    private async Task AnswerAsync(SipRequest options, int status) =>
        await layer.ReceiveAsync(options.CreateResponse(status, null, "phone-tag"), NatSource, Local);
}

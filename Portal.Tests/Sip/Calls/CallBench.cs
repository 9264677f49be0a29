using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Auth;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Dialogs;
using Portal.Sip.Dialplans;
using Portal.Sip.Hosting;
using Portal.Sip.Limits;
using Portal.Sip.Messages;
using Portal.Sip.Providers;
using Portal.Sip.Registrar;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;
using Portal.Tests.Sip.Auth;
using Portal.Tests.Sip.Registrar;
using Portal.Tests.Sip.Transactions;

namespace Portal.Tests.Sip.Calls;

/// <summary>
/// The call manager wired as the service wires it — dispatcher, transaction layer, digest authentication — over
/// a capturing sender and a fake clock, with alice (owner "owner-1", out dialplan "default") and bob (owner
/// "owner-2", incoming only) as accounts.
/// </summary>
internal sealed class CallBench
{
    public const string Realm = "sip.example.test";

    /// <param name="directDial">Where direct legs may go; by default anywhere (<c>none</c> denied), as the test infrastructure runs on loopback.</param>
    /// <param name="evaluator">Runs the dialplans; by default one built from <paramref name="limits"/> on the bench's clock.</param>
    public CallBench(CallLimits? limits = null, DirectDialPolicy? directDial = null, DialplanEvaluator? evaluator = null,
        ITransferRateLimit? transferRateLimit = null, ICallStartHistory? callStarts = null, OverloadGuard? overload = null)
    {
        Accounts.Accounts["alice"] = Account(1, "alice", "owner-1", "default");
        Accounts.Accounts["bob"] = Account(2, "bob", "owner-2", null) with { IsIncomingOnly = true };
        var authenticator = new DigestAuthenticator(Accounts, new DigestNonces(Time), new AuthFailureLimiter(Time), Realm, [DigestAlgorithm.Md5]);
        var domains = new SipLocalDomains([Realm], [CallTestMessages.Local]);
        Calls = new CallManager(authenticator, domains, [Realm], new SipLocalAddress([CallTestMessages.Local]), Accounts, Bindings, Dialplans, Providers,
            Records, limits ?? CallLimits.Default, Time, NullLogger<CallManager>.Instance,
            evaluator ?? new DialplanEvaluator((limits ?? CallLimits.Default).DialplanRunTime, 2, Time), directDial ?? DirectDialPolicy.AllowAll,
            transferRateLimit, callStarts, RegisteredProviders);
        var dispatcher = new SipRequestDispatcher(authenticator, new SipRegistrar(Bindings, Time), domains, Calls, NullLogger<SipRequestDispatcher>.Instance,
            overload);
        Layer = new SipTransactionLayer(Sender, dispatcher, Time, NullLogger.Instance);
        Calls.Attach(Layer);
        Calls.CallChanged += e =>
        {
            lock (Events)
            {
                Events.Add(e);
            }
        };
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public CapturingSender Sender { get; } = new();

    public FakeAccountDirectory Accounts { get; } = new();

    public InMemoryBindingStore Bindings { get; } = new();

    public FakeDialplanSource Dialplans { get; } = new();

    public FakeProviderDirectory Providers { get; } = new();

    public RegisteredProviders RegisteredProviders { get; } = new();

    public RecordingCallRecordSink Records { get; } = new();

    public List<CallEvent> Events { get; } = [];

    public CallManager Calls { get; }

    public SipTransactionLayer Layer { get; }

    public static SipAccountCredentials Account(int id, string user, string owner, string? outDialplan) =>
        new(id, user, owner, owner + "-name", Realm, DigestHash.Ha1(DigestAlgorithm.Md5, user, Realm, "s3cret-pass"),
            DigestHash.Ha1(DigestAlgorithm.Sha256, user, Realm, "s3cret-pass"), false, false, false, outDialplan, null);

    public ValueTask ReceiveAsync(SipMessage message, SipEndPoint from) => Layer.ReceiveAsync(message, from, CallTestMessages.Local);

    /// <summary>
    /// alice's phone calls <paramref name="user"/>: the INVITE is challenged, ACKed, and sent again with
    /// credentials. Returns the authenticated INVITE.
    /// </summary>
    public async Task<SipRequest> CallAsAliceAsync(string user, string callId = "a-leg-1", string? sdp = CallTestMessages.CallerSdp)
    {
        var mark = Sender.Count;
        var first = CallTestMessages.Invite(user, 1, callId: callId, sdp: sdp);
        await ReceiveAsync(first, CallTestMessages.Phone);
        var (challenge, _) = await Sender.WaitForResponseAsync(407, callId, mark);
        await ReceiveAsync(TransactionTestMessages.AckFor(first, challenge), CallTestMessages.Phone);
        var nonce = challenge.ProxyAuthenticate[0].Nonce!;
        var uri = $"sip:{user}@192.0.2.1";
        var second = CallTestMessages.Invite(user, 2, TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "INVITE", uri, nonce), callId, sdp: sdp);
        await ReceiveAsync(second, CallTestMessages.Phone);
        return second;
    }

    /// <summary>The next INVITE the service places (after index <paramref name="from"/>).</summary>
    public Task<(SipRequest Message, SipEndPoint Remote)> PlacedInviteAsync(int from = 0, Func<SipRequest, bool>? which = null) =>
        Sender.WaitForAsync<SipRequest>(r => r.Method == SipMethod.Invite && r.CallId != "a-leg-1" && r.To?.Tag is null && (which?.Invoke(r) ?? true), from);

    /// <summary>
    /// alice calls "232", which her dialplan sends to <paramref name="dialString"/>; the first placed leg answers
    /// with SDP and the caller ACKs the 200.
    /// </summary>
    public async Task<EstablishedCall> EstablishAsync(string dialString = "app@192.0.2.20:5080")
    {
        Dialplans.Set("owner-1", "default", $"when \"232\" then sys.Dial(\"{dialString}\")");
        var mark = Sender.Count;
        var invite = await CallAsAliceAsync("232");
        var (placed, callee) = await PlacedInviteAsync(mark);
        var ok = CallTestMessages.Respond(placed, 200, "callee1", CallTestMessages.CalleeSdp);
        await ReceiveAsync(ok, callee);
        var (callerOk, _) = await Sender.WaitForResponseAsync(200, "a-leg-1", mark);
        await Sender.WaitForRequestAsync("ACK", mark, placed.CallId);
        await ReceiveAsync(CallTestMessages.AckFor(invite, callerOk), CallTestMessages.Phone);
        return new EstablishedCall(invite, callerOk, placed, ok, callee);
    }

    /// <summary>
    /// An anonymous caller at example.org calls bob (no credentials), whose in dialplan or phones send the call on;
    /// the first placed leg (matching <paramref name="which"/>) answers and the caller ACKs the 200.
    /// </summary>
    public async Task<EstablishedCall> EstablishInboundAsync(Func<SipRequest, bool>? which = null)
    {
        var mark = Sender.Count;
        var invite = CallTestMessages.Invite("bob", fromHost: "example.org");
        await ReceiveAsync(invite, CallTestMessages.Phone);
        var (placed, callee) = await PlacedInviteAsync(mark, which);
        var ok = CallTestMessages.Respond(placed, 200, "callee1", CallTestMessages.CalleeSdp);
        await ReceiveAsync(ok, callee);
        var (callerOk, _) = await Sender.WaitForResponseAsync(200, "a-leg-1", mark);
        await ReceiveAsync(CallTestMessages.AckFor(invite, callerOk), CallTestMessages.Phone);
        return new EstablishedCall(invite, callerOk, placed, ok, callee);
    }

    public IReadOnlyList<CallEventKind> EventKinds()
    {
        lock (Events)
        {
            return [.. Events.Select(e => e.Kind)];
        }
    }
}

using Microsoft.Extensions.Logging;
using Portal.Sip.Auth;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Dialogs;
using Portal.Sip.Dialplans;
using Portal.Sip.Limits;
using Portal.Sip.Messages;
using Portal.Sip.Providers;
using Portal.Sip.Registrar;
using Portal.Sip.Telemetry;
using Portal.Sip.Tracing;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;

namespace Portal.Sip.Hosting;

/// <summary>
/// The running SIP service: transports on the configured addresses, the transaction layer above them, and
/// the dispatcher with authentication, the registrar and the call manager (the B2BUA) on top. Knows nothing of
/// the web app or the database: accounts, bindings, dialplans and providers come through
/// <see cref="ISipAccountDirectory"/>, <see cref="ISipBindingStore"/>, <see cref="IDialplanSource"/> and
/// <see cref="IProviderDirectory"/>, and call records go to an <see cref="ICallRecordSink"/>.
/// </summary>
public sealed class SipServer : IAsyncDisposable
{
    private readonly SipTransport transport;
    private readonly BindingCache bindings;
    private readonly SipTransactionLayer layer;
    private readonly IDisposable? peerBans;

    private SipServer(SipTransport transport, BindingCache bindings, SipTransactionLayer layer, SipRegistrar registrar, CallManager calls,
        ProviderRegistrationClient? providerRegistrations, OverloadGuard overload, NatKeepAlive? keepAlive, SipTrace trace, IDisposable? peerBans)
    {
        this.peerBans = peerBans;
        this.layer = layer;
        Overload = overload;
        this.transport = transport;
        this.bindings = bindings;
        Trace = trace;
        Registrar = registrar;
        KeepAlive = keepAlive;
        Calls = calls;
        ProviderRegistrations = providerRegistrations;
    }

    /// <summary>Keeps providers' outbound registrations; null when no store was given.</summary>
    public ProviderRegistrationClient? ProviderRegistrations { get; }

    public SipRegistrar Registrar { get; }

    /// <summary>Sheds new calls with 503 when the service falls behind.</summary>
    public OverloadGuard Overload { get; }

    /// <summary>The registrations in memory, written behind to the store.</summary>
    public BindingCache Bindings => bindings;

    /// <summary>Keep-alives to phones behind NAT; null when <c>Sip:Nat:KeepAliveSeconds</c> is 0.</summary>
    public NatKeepAlive? KeepAlive { get; }

    /// <summary>The SIP messages of calls in progress and recently ended, for their ladders and pcap exports.</summary>
    public SipTrace Trace { get; }

    /// <summary>The calls in progress.</summary>
    public CallManager Calls { get; }

    public IReadOnlyList<SipEndPoint> LocalEndPoints => transport.LocalEndPoints;

    public static SipServer Start(
        SipOptions options,
        ISipAccountDirectory accounts,
        ISipBindingStore bindings,
        IDialplanSource dialplans,
        IProviderDirectory providers,
        ICallRecordSink records,
        TimeProvider time,
        ILoggerFactory loggers,
        IProviderRegistrationStore? providerRegistrations = null,
        DialplanEvaluator? dialplanEvaluator = null,
        ITransferRateLimit? transferRateLimit = null,
        ICallStartHistory? callStarts = null,
        SipMetrics? metrics = null,
        IBanReport? bans = null,
        ISharedBans? sharedBans = null)
    {
        metrics ??= SipMetrics.Unobserved;
        // Read before anything listens, so a bad Sip:DirectDial stops the start with its message.
        var directDial = options.CreateDirectDialPolicy();
        var listen = ParseListen(options.Listen);
        // Registrations are read and changed in memory and written behind (DESIGN §10: no database work per request).
        var registrations = new BindingCache(bindings, loggers.CreateLogger<BindingCache>());
        var registrar = new SipRegistrar(registrations, time, new RegistrarOptions { NatMaxExpires = Math.Max(0, options.Nat.MaxExpiresSeconds) });
        var limits = options.Limits;
        var authFailures = new AuthFailureLimiter(time, limits, loggers.CreateLogger<AuthFailureLimiter>(), metrics, bans, sharedBans);
        var authenticator = new DigestAuthenticator(accounts, new DigestNonces(time, limits.TableCapacity), authFailures, options.EffectiveRealm,
            DigestAuthenticator.ParseAlgorithms(options.DigestAlgorithms),
            options.Md5OnlyUserAgents.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            limits.AllowDigestWithoutQop);

        // The layer needs the transport to send and the transport needs the layer to deliver: messages that
        // arrive in between wait for the layer.
        var layerReady = new TaskCompletionSource<SipTransactionLayer>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Flooding sources are dropped before any transaction or account work (DESIGN §10); responses always pass.
        var flood = new FloodGuard(time, limits, loggers.CreateLogger<FloodGuard>(), metrics, bans, sharedBans);
        // Bans other nodes started are held here too (DESIGN §11), in the same tables every request is checked against.
        var peerBans = sharedBans?.Subscribe(ban =>
        {
            if (ban.Kind == SipBan.Flood)
            {
                flood.Apply(ban);
            }
            else
            {
                authFailures.Apply(ban);
            }
        });
        var trace = new SipTrace(options.Trace, time);
        var transport = SipTransport.Start(listen,
            (message, remote, local) =>
            {
                metrics.MessageReceived(message);
                return message is SipRequest && !flood.Admit(remote.EndPoint.Address)
                    ? ValueTask.CompletedTask
                    : DeliverAsync(layerReady.Task, message, remote, local);
            },
            time, loggers.CreateLogger<SipTransport>(), options.Tcp.TransportOptions, trace);
        var domains = new SipLocalDomains(options.DomainList, transport.LocalEndPoints, options.PublicAddress);
        var registeredProviders = new RegisteredProviders();
        var addresses = new SipLocalAddress(transport.LocalEndPoints, options.PublicAddress);
        var calls = new CallManager(authenticator, domains, options.DomainList, addresses,
            accounts, registrations, dialplans, providers, records, options.CallLimits, time, loggers.CreateLogger<CallManager>(),
            dialplanEvaluator ?? options.CreateDialplanEvaluator(time), directDial, transferRateLimit, callStarts, registeredProviders, metrics, trace);
        var overload = new OverloadGuard(options.Overload, time, loggers.CreateLogger<OverloadGuard>());
        overload.Watch(transport.MeasureReceiveWait);
        var dispatcher = new SipRequestDispatcher(authenticator, registrar, domains, calls, loggers.CreateLogger<SipRequestDispatcher>(), overload, metrics);
        var layer = new SipTransactionLayer(new CountedSender(transport, metrics), dispatcher, time, loggers.CreateLogger<SipTransactionLayer>(),
            metrics: metrics);
        calls.Attach(layer);
        layerReady.SetResult(layer);
        var providerClient = providerRegistrations is null ? null : new ProviderRegistrationClient(layer, transport.LocalEndPoints,
            options.PublicAddress, providerRegistrations, time, loggers.CreateLogger<ProviderRegistrationClient>(),
            TimeSpan.FromSeconds(Math.Max(1, options.ProviderScanSeconds)), registeredProviders);
        var keepAlive = options.Nat.KeepAliveSeconds <= 0 ? null : new NatKeepAlive(layer, addresses, options.DomainList.FirstOrDefault() ?? "localhost",
            registrar, registrations, time, loggers.CreateLogger<NatKeepAlive>(), TimeSpan.FromSeconds(options.Nat.KeepAliveSeconds));
        return new SipServer(transport, registrations, layer, registrar, calls, providerClient, overload, keepAlive, trace, peerBans);
    }

    private static async ValueTask DeliverAsync(Task<SipTransactionLayer> layer, SipMessage message, SipEndPoint remote, SipEndPoint local) =>
        await (await layer).ReceiveAsync(message, remote, local);

    /// <summary>Parses <c>Sip:Listen</c>: comma-separated <c>transport:address:port</c>.</summary>
    public static IReadOnlyList<SipEndPoint> ParseListen(string listen)
    {
        var endPoints = new List<SipEndPoint>();
        foreach (var item in listen.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!SipEndPoint.TryParse(item, out var endPoint))
            {
                throw new FormatException($"Sip:Listen entry '{item}' is not transport:address:port (for example udp:0.0.0.0:5060).");
            }

            endPoints.Add(endPoint);
        }

        return endPoints.Count > 0 ? endPoints : throw new FormatException("Sip:Listen names no address to listen on.");
    }

    /// <summary>Hangs up the calls in progress (briefly waiting for their records), then closes the sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        peerBans?.Dispose();
        await Calls.StopAsync(TimeSpan.FromSeconds(2));
        await transport.DisposeAsync();
        layer.Dispose();
        await bindings.DisposeAsync();
        Overload.Dispose();
    }
}

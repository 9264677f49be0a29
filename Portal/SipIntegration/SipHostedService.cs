using Microsoft.Extensions.Options;
using Portal.Cluster;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using Portal.Sip.Dialplans;
using Portal.Sip.Hosting;
using Portal.Sip.Limits;
using Portal.Sip.Providers;
using Portal.Sip.Registrar;
using Portal.Sip.Telemetry;
using Portal.Sip.Tracing;
using Portal.Sip.Transport;
using Portal.SipIntegration.Directory;

namespace Portal.SipIntegration;

/// <summary>Runs the SIP service inside the web app on the <c>Sip:Listen</c> addresses (DESIGN §1, §8).</summary>
public sealed partial class SipHostedService(
    IOptions<SipOptions> options,
    SipDirectory directory,
    ISipBindingStore bindings,
    ICallRecordSink callRecords,
    IProviderRegistrationStore providerRegistrations,
    ITransferRateLimit transferRateLimit,
    ICallStartHistory callStarts,
    SipRegistrationEvents registrationEvents,
    ProviderStatusEvents providerStatusEvents,
    DialplanEvaluator dialplanEvaluator,
    SipMetrics metrics,
    IBanReport bans,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<SipHostedService> logger,
    ISharedBans? sharedBans = null,
    SharedRegistrations? sharedRegistrations = null) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private SipServer? server;
    private CancellationTokenSource? stopping;
    private Task? sweeper;
    private IAsyncDisposable? sharing;

    /// <summary>Where the service actually listens (ports chosen at start when configured as 0).</summary>
    public IReadOnlyList<SipEndPoint> LocalEndPoints => server?.LocalEndPoints ?? [];

    public SipServer Server => server ?? throw new InvalidOperationException("The SIP service has not started.");

    /// <summary>The calls in progress (DESIGN §4): the Calls page and the call manager API read them here.</summary>
    public CallManager Calls => Server.Calls;

    /// <summary>The calls in progress; null while the SIP service is not running (not started yet, or stopped).</summary>
    public CallManager? RunningCalls => server?.Calls;

    /// <summary>Calls' SIP messages (their ladders); null while the SIP service is not running.</summary>
    public SipTrace? RunningTrace => server?.Trace;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The directory is read whole before the first packet, so no request waits on the database for it.
        await directory.LoadAsync(cancellationToken);
        server = SipServer.Start(options.Value, directory, bindings, directory, directory, callRecords, time, loggers, providerRegistrations,
            dialplanEvaluator, transferRateLimit, callStarts, metrics, bans, sharedBans);
        // Once stored: the Registrations views read the database.
        server.Bindings.Stored += registrationEvents.Publish;
        // With several nodes (DESIGN §11), what one stores the others read again.
        sharing = sharedRegistrations is null ? null : await sharedRegistrations.AttachAsync(server.Bindings);
        if (server.ProviderRegistrations is { } registrationClient)
        {
            registrationClient.StatusChanged += (providerId, _) => providerStatusEvents.Publish(providerId);
        }

        LogListening(logger, string.Join(", ", server.LocalEndPoints), options.Value.EffectiveRealm);
        stopping = new CancellationTokenSource();
        sweeper = Task.WhenAll(SweepExpiredAsync(server.Registrar, stopping.Token),
            server.ProviderRegistrations?.RunAsync(stopping.Token) ?? Task.CompletedTask,
            server.KeepAlive?.RunAsync(stopping.Token) ?? Task.CompletedTask,
            directory.RunAsync(TimeSpan.FromSeconds(Math.Max(5, options.Value.DirectoryRefreshSeconds)), time, stopping.Token));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host stops the service and the container later disposes it: whichever comes first does the work.
        if (Interlocked.Exchange(ref stopping, null) is { } cancellation)
        {
            await cancellation.CancelAsync();
            if (sweeper is not null)
            {
                await sweeper.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            cancellation.Dispose();
        }

        if (Interlocked.Exchange(ref server, null) is { } running)
        {
            await running.DisposeAsync();

            // The calls' last records (Interrupted, for the ones the stop hung up) are queued now: write them.
            await callRecords.FlushAsync();
        }

        // After the server's last registrations are written, so the other nodes hear of them too.
        if (Interlocked.Exchange(ref sharing, null) is { } shared)
        {
            await shared.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private async Task SweepExpiredAsync(SipRegistrar registrar, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await registrar.RemoveExpiredAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SIP service listening on {EndPoints}, realm {Realm}")]
    private static partial void LogListening(ILogger logger, string endPoints, string realm);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing expired registrations failed; retrying at the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}

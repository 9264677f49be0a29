using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Portal.Sip.Auth;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;

namespace Portal.Sip.Providers;

/// <summary>
/// Keeps the outbound registrations of providers with Register on (DESIGN §5): REGISTERs to each provider,
/// answers its digest challenge with the provider's credentials, refreshes before expiry and reports the
/// status (registered until, or failed with the reason) through <see cref="IProviderRegistrationStore"/>. The
/// Contact's user part is the provider's token, and where each registered provider is goes to
/// <see cref="RegisteredProviders"/>, so that its calls in are recognised.
/// </summary>
public sealed partial class ProviderRegistrationClient(
    SipTransactionLayer layer,
    IReadOnlyList<SipEndPoint> localEndPoints,
    string? publicAddress,
    IProviderRegistrationStore store,
    TimeProvider time,
    ILogger logger,
    TimeSpan? scanInterval = null,
    RegisteredProviders? registered = null)
{
    /// <summary>The providers registered with, and where they are.</summary>
    public RegisteredProviders Registered { get; } = registered ?? new RegisteredProviders();

    /// <summary>How often the provider list is re-read, so new or changed providers start registering.</summary>
    public TimeSpan ScanInterval { get; } = scanInterval ?? TimeSpan.FromSeconds(15);

    /// <summary>Wait after a failure before trying that provider again.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<int, RegistrationState> states = new();

    /// <summary>Raised after a provider's status was reported.</summary>
    public event Action<int, ProviderRegistrationStatus>? StatusChanged;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ScanInterval, time);
        do
        {
            try
            {
                await ScanAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogScanFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>Registers every provider that is due: new, near expiry, changed, or failed long enough ago.</summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        var targets = await store.ListAsync(cancellationToken);
        foreach (var stale in states.Keys.Except(targets.Select(t => t.ProviderId)))
        {
            if (states.TryRemove(stale, out var gone))
            {
                Registered.Remove(gone.Target.ContactToken);
            }
        }

        var now = time.GetUtcNow();
        await Task.WhenAll(targets.Where(t => IsDue(t, now)).Select(t => RegisterAsync(t, cancellationToken)));
    }

    private bool IsDue(ProviderRegistrationTarget target, DateTimeOffset now) =>
        !states.TryGetValue(target.ProviderId, out var state) || state.Target != target || state.NextAttempt <= now;

    private async Task RegisterAsync(ProviderRegistrationTarget target, CancellationToken cancellationToken)
    {
        var state = states.GetOrAdd(target.ProviderId, _ => new RegistrationState(target, $"{SipTags.NewTag()}@portal", 0));
        if (state.Target.ContactToken != target.ContactToken)
        {
            Registered.Remove(state.Target.ContactToken);
        }

        state = state with { Target = target };
        ProviderRegistrationStatus status;
        try
        {
            status = await ExchangeAsync(target, state, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRegisterFailed(logger, ex, target.Name);
            status = new ProviderRegistrationStatus(false, "Internal error while registering", null);
        }

        var now = time.GetUtcNow();
        var next = status is { IsRegistered: true, RegisteredUntil: { } until }
            ? now + TimeSpan.FromTicks((long)((until - now.UtcDateTime).Ticks * 0.8))
            : now + RetryAfterFailure;
        states[target.ProviderId] = state with { NextAttempt = next, CSeq = state.CSeq + 2 };
        await store.ReportAsync(target.ProviderId, status, cancellationToken);
        StatusChanged?.Invoke(target.ProviderId, status);
    }

    private async Task<ProviderRegistrationStatus> ExchangeAsync(ProviderRegistrationTarget target, RegistrationState state, CancellationToken cancellationToken)
    {
        if (await SipDestinationResolver.ResolveAsync(target.Server, cancellationToken) is not { } destination)
        {
            Registered.Remove(target.ContactToken);
            return new ProviderRegistrationStatus(false, $"Cannot resolve {target.Server.Host}", null);
        }

        // Known from the first attempt on: a provider may send calls as soon as it has the binding, even before
        // this side has read its 200, and the address is the one its registrar was reached at.
        Registered.Set(target.ContactToken, destination.EndPoint.Address, target.RegisteredUser);

        var local = localEndPoints.FirstOrDefault(e => e.Protocol == destination.Protocol);
        if (local.EndPoint is null)
        {
            return new ProviderRegistrationStatus(false, $"The service does not listen on {destination.Protocol}", null);
        }

        var request = Build(target, state, destination, local, (uint)state.CSeq + 1);
        var response = await layer.SendRequest(request, destination).Completion.WaitAsync(cancellationToken);
        if (response.StatusCode is SipStatusCodes.Unauthorized or SipStatusCodes.ProxyAuthenticationRequired)
        {
            var answer = DigestClient.Answer(response, request, target.AuthUsername, target.Password);
            if (answer is null)
            {
                return new ProviderRegistrationStatus(false, "The provider asked for an authentication scheme this service does not support", null);
            }

            var retry = Build(target, state, destination, local, (uint)state.CSeq + 2);
            retry.Headers.Add(response.StatusCode == SipStatusCodes.Unauthorized ? SipHeaderNames.Authorization : SipHeaderNames.ProxyAuthorization, answer);
            response = await layer.SendRequest(retry, destination).Completion.WaitAsync(cancellationToken);
        }

        if (!response.IsSuccess)
        {
            var reason = response.StatusCode is SipStatusCodes.Unauthorized or SipStatusCodes.ProxyAuthenticationRequired or SipStatusCodes.Forbidden
                ? $"{response.StatusCode} {response.ReasonPhrase} (check the user name and password)"
                : $"{response.StatusCode} {response.ReasonPhrase}";
            return new ProviderRegistrationStatus(false, reason, null);
        }

        var granted = response.Contacts.Select(c => c.Expires).FirstOrDefault(e => e is not null) ?? response.Expires ?? (uint)target.ExpirySeconds;
        return new ProviderRegistrationStatus(true, null, time.GetUtcNow().UtcDateTime.AddSeconds(Math.Max(granted, 1)));
    }

    private SipRequest Build(ProviderRegistrationTarget target, RegistrationState state, SipEndPoint destination, SipEndPoint local, uint cseq)
    {
        var contactHost = publicAddress ?? (local.EndPoint.Address.Equals(IPAddress.Any) || local.EndPoint.Address.Equals(IPAddress.IPv6Any)
            ? SipDestinationResolver.LocalAddressFor(destination.EndPoint.Address).ToString()
            : local.EndPoint.Address.ToString());
        var port = local.EndPoint.Port.ToString(CultureInfo.InvariantCulture);
        var aorUser = target.RegisteredUser;
        var aorHost = target.FromHost ?? target.Server.Host;
        var transport = destination.Protocol == SipTransportProtocol.Tcp ? "TCP" : "UDP";
        var registrar = new SipUri(target.Server.Host, null, target.Server.Port);
        var request = new SipRequest(SipMethod.Register, registrar);
        request.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/{transport} {contactHost}:{port};branch={SipTransactionLayer.NewBranch()};rport");
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, $"<sip:{aorUser}@{aorHost}>;tag={SipTags.NewTag()}");
        request.Headers.Add(SipHeaderNames.To, $"<sip:{aorUser}@{aorHost}>");
        request.Headers.Add(SipHeaderNames.CallId, state.CallId);
        request.Headers.Add(SipHeaderNames.CSeq, $"{cseq.ToString(CultureInfo.InvariantCulture)} REGISTER");
        // The token, never the provider's user name, which can be an account's name here (DESIGN §5).
        request.Headers.Add(SipHeaderNames.Contact, $"<sip:{target.ContactToken}@{contactHost}:{port};transport={transport.ToLowerInvariant()}>");
        request.Headers.Add(SipHeaderNames.Expires, target.ExpirySeconds.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SipHeaderNames.UserAgent, "Portal");
        return request;
    }

    private sealed record RegistrationState(ProviderRegistrationTarget Target, string CallId, int CSeq)
    {
        public DateTimeOffset NextAttempt { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the providers to register failed; retrying at the next scan")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering with provider {Provider} failed")]
    private static partial void LogRegisterFailed(ILogger logger, Exception exception, string provider);
}

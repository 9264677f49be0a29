using Microsoft.Extensions.Logging;

using Portal.Sip.Auth;
using Portal.Sip.Dialogs;
using Portal.Sip.Dialplans;
using Portal.Sip.Transport;
using Portal.Sip.Messages;
using Portal.Sip.Providers;
using Portal.Sip.Registrar;
using Portal.Sip.Tracing;
using Portal.Sip.Transactions;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Telemetry;

namespace Portal.Sip.Calls;

/// <summary>
/// The authenticating, signalling-only B2BUA of DESIGN §5, and the owner of every call in progress (DESIGN §4:
/// in-progress calls live here, in memory). It takes new INVITEs (routing, authentication, the per-owner cap),
/// requests and ACKs inside its calls' dialogs, and 2xx retransmissions from the legs it placed; the portal and
/// the call manager API read calls from it, follow them through <see cref="CallChanged"/>, and hang them up.
/// </summary>
public sealed class CallManager
{
    public const string CallerHungUp = "caller hung up";
    public const string CalleeHungUp = "callee hung up";

    /// <summary>The methods a call's dialogs take (RFC 3261 §20.5 Allow).</summary>
    public static readonly IReadOnlyList<string> AllowedInDialog = ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "UPDATE", "INFO", "REFER"];

    private readonly CallEnvironment _environment;
    private readonly InviteRouter _router;
    private readonly CallSetup _setup;
    private readonly InDialogRequests _inDialog;
    private readonly CallTransfers _transfers;
    private readonly CallVelocity _velocity;
    private readonly CallRefusals _refusals;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Call> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perOwner = new(StringComparer.Ordinal);
    private long _lastNumber;

    public CallManager(
        DigestAuthenticator authenticator,
        SipLocalDomains domains,
        IReadOnlyList<string> hostedDomains,
        SipLocalAddress addresses,
        ISipAccountDirectory accounts,
        ISipBindingStore bindings,
        IDialplanSource dialplans,
        IProviderDirectory providers,
        ICallRecordSink records,
        CallLimits limits,
        TimeProvider time,
        ILogger<CallManager> logger,
        DialplanEvaluator? dialplanEvaluator = null,
        DirectDialPolicy? directDial = null,
        ITransferRateLimit? transferRateLimit = null,
        ICallStartHistory? callStarts = null,
        RegisteredProviders? registeredProviders = null,
        SipMetrics? metrics = null,
        SipTrace? trace = null)
    {
        // Both default to the secure settings: the limits' dialplan budget, and the default denied networks.
        _environment = new CallEnvironment(addresses, domains, hostedDomains, accounts, bindings, records, limits,
            dialplanEvaluator ?? new DialplanEvaluator(limits.DialplanRunTime, 2, time), directDial ?? DirectDialPolicy.Default, time, logger,
            metrics ?? SipMetrics.Unobserved)
        {
            Trace = trace,
        };
        _refusals = new CallRefusals(_environment);
        _router = new InviteRouter(authenticator, _environment, providers, registeredProviders ?? new RegisteredProviders(), _refusals);
        DialplanCache cache = new(dialplans);
        CallDialer dialer = new(_environment, new DialTargetResolver(_environment, providers));
        _setup = new CallSetup(_environment, cache, providers, dialer);
        _transfers = new CallTransfers(_environment, cache, providers, dialer);
        _velocity = new CallVelocity(time, callStarts, logger);
        _inDialog = new InDialogRequests(_environment, new ReferRequests(_environment, _transfers, _refusals, transferRateLimit));
    }

    /// <summary>Every change to a call: started, ringing, answered, a leg changed, ended. Raised off the SIP receive path; return quickly.</summary>
    public event Action<CallEvent>? CallChanged;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>Follows call changes until the returned subscription is disposed (for live views).</summary>
    public IDisposable Subscribe(Action<CallEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        CallChanged += handler;
        return new Subscription(this, handler);
    }

    /// <summary>The calls in progress, all of them or one owner's, oldest first.</summary>
    public IReadOnlyList<CallSnapshot> GetCalls(string? ownerId = null)
    {
        List<Call> calls;
        lock (_gate)
        {
            calls = [.. _calls.Values.Where(c => ownerId is null || c.Route.OwnerId == ownerId)];
        }

        return [.. calls.Select(c => c.Snapshot()).OrderBy(c => c.Number)];
    }

    public CallSnapshot? Find(string callId)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(callId)?.Snapshot();
        }
    }

    /// <summary>
    /// Hangs a call up: BYE to both legs once answered; before that, the dialling stops and the caller gets 480.
    /// Returns false when no such call is in progress.
    /// </summary>
    public async Task<bool> HangUpAsync(string callId, string reason)
    {
        Call? call;
        lock (_gate)
        {
            call = _calls.GetValueOrDefault(callId);
        }

        if (call is null)
        {
            return false;
        }

        // A hang-up from the portal: its lines (the BYEs, the end) carry the call's id like the call's own.
        using IDisposable? scope = CallLogScope.Begin(_environment.Logger, call.Number);
        await call.HangUpAsync(reason);
        return true;
    }

    /// <summary>
    /// A blind transfer asked for by the call manager API (DESIGN §7): among <paramref name="ownerId"/>'s calls in
    /// progress, the leg whose SIP Call-ID is exactly <paramref name="legIdentifier"/>, else whose From or To user
    /// part is, leaves the call; the other party is sent where the owner's <c>transfer</c> dialplan says for
    /// <paramref name="destination"/>. Returns once the transfer has started (or why it cannot).
    /// <paramref name="requestedTimestamp"/> (this manager's <see cref="TimeProvider"/> timestamp of the request's
    /// arrival; now when 0) is where <see cref="TransferSnapshot.DialDelay"/> counts from.
    /// </summary>
    public async Task<TransferStartResult> BlindTransferAsync(string ownerId, string legIdentifier, string destination, string requestedBy,
        long requestedTimestamp = 0, CancellationToken cancellationToken = default)
    {
        requestedTimestamp = requestedTimestamp == 0 ? _environment.Time.GetTimestamp() : requestedTimestamp;
        ArgumentNullException.ThrowIfNull(legIdentifier);
        if (!TransferDestination.IsValid(destination))
        {
            return TransferStartResult.Refused(TransferStartOutcome.InvalidDestination, TransferDestination.Rule);
        }

        List<Call> calls;
        lock (_gate)
        {
            calls = [.. _calls.Values.Where(c => c.Route.OwnerId == ownerId)];
        }

        List<(Call Call, CallLeg Leg)> matches = Matches(calls, c => c.FindLegByCallId(legIdentifier));
        if (matches.Count == 0)
        {
            matches = Matches(calls, c => c.FindLegByUser(legIdentifier));
        }

        return matches.Count switch
        {
            0 => TransferStartResult.Refused(TransferStartOutcome.NotFound, $"no call in progress has a leg '{legIdentifier}'"),
            > 1 => TransferStartResult.Refused(TransferStartOutcome.Ambiguous, $"{matches.Count} calls in progress have a leg '{legIdentifier}'; use its Call-ID"),
            _ => await _transfers.StartAsync(matches[0].Call, matches[0].Leg, destination, requestedBy, null, requestedTimestamp, cancellationToken),
        };
    }

    /// <summary>
    /// A blind transfer of the call with id <paramref name="callId"/> (the portal's Transfer…): the placed side leaves
    /// and the caller is sent where the owner's <c>transfer</c> dialplan says for <paramref name="destination"/>.
    /// Ownership is the caller's to check.
    /// </summary>
    public async Task<TransferStartResult> TransferAsync(string callId, string destination, string requestedBy, CancellationToken cancellationToken = default)
    {
        Call? call;
        lock (_gate)
        {
            call = _calls.GetValueOrDefault(callId);
        }

        return call is null
            ? TransferStartResult.Refused(TransferStartOutcome.NotFound, "the call is no longer in progress")
            : await _transfers.StartAsync(call, null, destination, requestedBy, null, _environment.Time.GetTimestamp(), cancellationToken);
    }

    /// <summary>A transfer started in the last quarter of an hour (or still pending), by id; null when unknown.</summary>
    public TransferSnapshot? FindTransfer(string transferId) => _transfers.Find(transferId);

    /// <summary>The transfer once it has its outcome, or as it is after <paramref name="timeout"/>; null when unknown.</summary>
    public Task<TransferSnapshot?> WaitForTransferAsync(string transferId, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _transfers.WaitAsync(transferId, timeout, cancellationToken);

    /// <summary>Hangs up every call (the service is stopping) and waits briefly for their records.</summary>
    public async Task StopAsync(TimeSpan wait)
    {
        List<Call> calls;
        lock (_gate)
        {
            calls = [.. _calls.Values];
        }

        foreach (Call call in calls)
        {
            using IDisposable? scope = CallLogScope.Begin(_environment.Logger, call.Number);
            await call.HangUpAsync("service stopping", status: CallEndStatus.Interrupted);
        }

        await Task.WhenAll(calls.Select(c => c.Records.Idle)).WaitAsync(wait, _environment.Time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Connects the manager to the transaction layer it sends through (which needs the dispatcher, which needs the manager).</summary>
    public void Attach(SipTransactionLayer layer) => _environment.Attach(layer);

    /// <summary>A new INVITE (no To tag): route it, apply the owner's cap, and set the call up.</summary>
    internal async ValueTask OnInviteAsync(InviteServerTransaction invite)
    {
        // Off the receive path at once: routing reads the database, and some providers of it block (SQLite).
        await Task.Yield();
        (InviteRoute? route, SipResponse? refusal) = await _router.RouteAsync(invite.Request, invite.Remote, CancellationToken.None);
        if (refusal is not null)
        {
            await invite.SendResponseAsync(refusal);
            return;
        }

        if (route!.RunsOwnersDialplan && await _velocity.TryStartAsync(route.OwnerId, route.OwnerUserName, HourlyLimitFor(route), DailyLimitFor(route))
            is { } limit)
        {
            RefuseVelocity(invite, route, limit);
            await invite.SendResponseAsync(invite.Request.CreateResponse(SipStatusCodes.Forbidden, limit.Reason, SipTags.NewTag()));
            return;
        }

        DateTimeOffset counted = _environment.Time.GetUtcNow();
        Call call = new(this, _environment, Guid.NewGuid().ToString("N"), Interlocked.Increment(ref _lastNumber), route, invite);
        // Every line of the call's work from here on, and of what it starts, carries its number (the correlation id).
        using IDisposable? scope = CallLogScope.Begin(_environment.Logger, call.Number);
        if (!TryAdd(call, out int count))
        {
            if (route.RunsOwnersDialplan)
            {
                _velocity.Uncount(route.OwnerId, counted);
            }

            CallLog.TooManyCalls(_environment.Logger, invite.Remote.ToString(), route.OwnerUserName, count, CapFor(route));
            await invite.SendResponseAsync(invite.Request.CreateResponse(SipStatusCodes.BusyHere, "Busy Here - too many concurrent calls", SipTags.NewTag()));
            return;
        }

        _environment.Dialogs[call.Caller.Dialog!.Id] = call.Caller;
        call.Trace = _environment.Trace?.Begin(call.Id, route.OwnerId,
            new CallTraceLeg(call.Caller.CallId, "caller", invite.Request.From?.Uri.ToString() ?? invite.Remote.ToString()));
        CallLog.Started(_environment.Logger, call.Number, call.Caller.CallId, invite.Request.From?.Uri.ToString() ?? "", invite.Request.Uri.ToString(),
            route!.OwnerUserName, route.Direction, route.DialplanName);
        call.ReportStarted();
        await _setup.RunAsync(call);
    }

    /// <summary>A request with a To tag: for one of our dialogs (§12.2.2), or answered 481.</summary>
    internal async ValueTask OnInDialogRequestAsync(ServerTransaction transaction)
    {
        if (DialogId.ForIncomingRequest(transaction.Request) is not { } id || !_environment.Dialogs.TryGetValue(id, out CallLeg? leg))
        {
            await transaction.SendResponseAsync(transaction.Request.CreateResponse(SipStatusCodes.CallOrTransactionDoesNotExist, null, SipTags.NewTag()));
            return;
        }

        await _inDialog.HandleAsync(leg, transaction);
    }

    /// <summary>The ACK for one of our 2xx (§13.3.1.4), or a stray one, which is dropped.</summary>
    internal ValueTask OnAckAsync(SipRequest ack) =>
        DialogId.ForIncomingRequest(ack) is { } id && _environment.Dialogs.TryGetValue(id, out CallLeg? leg)
            ? leg.OnAckAsync(ack)
            : ValueTask.CompletedTask;

    /// <summary>A 2xx to an INVITE outside its transaction: a retransmission to ACK again, or a late fork to ACK and hang up (§13.2.2.4).</summary>
    internal ValueTask OnStrayResponseAsync(SipResponse response)
    {
        if (!response.IsSuccess || response.CSeq?.Method != SipMethod.Invite)
        {
            return ValueTask.CompletedTask;
        }

        if (DialogId.ForResponse(response) is { } id && _environment.Dialogs.TryGetValue(id, out CallLeg? leg))
        {
            return leg.OnRetransmittedAnswerAsync(response);
        }

        return response.CallId is { } callId && _environment.Placed.TryGetValue(callId, out PlacedInvite? placed)
            ? placed.RefuseLateAnswerAsync(_environment, response)
            : ValueTask.CompletedTask;
    }

    internal void Raise(CallEvent change)
    {
        if (CallChanged is not { } handlers)
        {
            return;
        }

        foreach (Action<CallEvent> handler in handlers.GetInvocationList().Cast<Action<CallEvent>>())
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                CallLog.EventHandlerFailed(_environment.Logger, e);
            }
        }
    }

    /// <summary>
    /// A call ended: it leaves the table and its owner's count. Its placed legs stay findable for 64*T1, so 2xx
    /// retransmissions and late forks are still ACKed and hung up (§13.2.2.4).
    /// </summary>
    internal void OnEnded(Call call, IEnumerable<CalleeLeg> placed)
    {
        call.ReleaseInvite();

        // The INVITE transactions linger for 64*T1 to absorb retransmissions; what reading their messages cached
        // for the call is not needed for that.
        call.Caller.Invite.Request.Compact();
        foreach (CalleeLeg leg in placed)
        {
            if (leg.Transaction?.Completion is { IsCompletedSuccessfully: true } answer)
            {
                answer.Result.Compact();
            }
        }

        if (call.Trace is { } trace)
        {
            _environment.Trace?.End(trace);
        }

        lock (_gate)
        {
            if (_calls.Remove(call.Id) && _perOwner.TryGetValue(call.Route.OwnerId, out int count))
            {
                if (count <= 1)
                {
                    _perOwner.Remove(call.Route.OwnerId);
                }
                else
                {
                    _perOwner[call.Route.OwnerId] = count - 1;
                }
            }
        }

        ForgetPlacedLater(placed);
    }

    /// <summary>
    /// The INVITEs of legs that are out of their call stay findable by Call-ID for 64*T1, then are forgotten
    /// (§13.2.2.4). Only the INVITEs are kept that long, not the legs: a leg holds its whole call. The wait runs on
    /// the transaction layer's timer queue, and once fired the timer is garbage.
    /// </summary>
    internal void ForgetPlacedLater(IEnumerable<CalleeLeg> placed)
    {
        List<KeyValuePair<string, PlacedInvite>> invites = [.. placed
            .Where(leg => leg.Placed is not null)
            .Select(leg => new KeyValuePair<string, PlacedInvite>(leg.CallId, leg.Placed!))];
        if (invites.Count > 0)
        {
            TransactionTimer sweep = new(_environment.Layer.TimerQueue, () =>
            {
                foreach (KeyValuePair<string, PlacedInvite> invite in invites)
                {
                    _environment.Placed.TryRemove(invite);
                }
            });
            sweep.Start(SipTimers.Default.TransactionTimeout);
        }
    }

    private static List<(Call Call, CallLeg Leg)> Matches(List<Call> calls, Func<Call, CallLeg?> find)
    {
        List<(Call, CallLeg)> matches = [];
        foreach (Call call in calls)
        {
            if (find(call) is { } leg)
            {
                matches.Add((call, leg));
            }
        }

        return matches;
    }

    /// <summary>The owner's own cap when an admin set one, else the service's (DESIGN §5 "Limits").</summary>
    private int CapFor(InviteRoute route) => route.OwnerMaxConcurrentCalls ?? _environment.Limits.MaxConcurrentCallsPerOwner;

    /// <summary>The owner's own hourly limit when an admin set one, else the service's; 0 is unlimited (DESIGN §10).</summary>
    private int HourlyLimitFor(InviteRoute route) => route.OwnerMaxCallsPerHour ?? _environment.Limits.MaxCallsPerHourPerOwner;

    private int DailyLimitFor(InviteRoute route) => route.OwnerMaxCallsPerDay ?? _environment.Limits.MaxCallsPerDayPerOwner;

    /// <summary>A call past a velocity limit: logged once per source and minute, audited under its owner (DESIGN §10).</summary>
    private void RefuseVelocity(InviteServerTransaction invite, InviteRoute route, CallVelocityLimit limit)
    {
        string actor = route.Direction == CallDirection.Outbound ? "sip:" + route.AccountUsername : "caller";
        string target = $"{invite.Request.From?.Uri.ToString() ?? "?"} to {invite.Request.Uri}";
        _refusals.Report(new CallRefusal(CallRefusal.CallLimitReached, route.OwnerId, route.OwnerUserName, actor, target, limit.Detail, null),
            invite.Remote.EndPoint.Address, route.OwnerId + " " + limit.Window);
    }

    private bool TryAdd(Call call, out int count)
    {
        lock (_gate)
        {
            count = _perOwner.GetValueOrDefault(call.Route.OwnerId);
            if (count >= CapFor(call.Route))
            {
                return false;
            }

            _perOwner[call.Route.OwnerId] = count + 1;
            _calls[call.Id] = call;
            return true;
        }
    }

    private sealed class Subscription(CallManager manager, Action<CallEvent> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                manager.CallChanged -= handler;
            }
        }
    }
}

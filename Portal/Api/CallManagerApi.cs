using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Portal.Cluster;
using Portal.Services;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using Portal.SipIntegration;

namespace Portal.Api;

/// <summary>
/// The call manager HTTP API (DESIGN §7) that voice apps call while they hold a call: <c>blindtransfer</c>, a
/// transfer's state, and <c>isalive</c>; under <c>/callmanager</c> and, for scripts written for the original
/// service, <c>/callmanager.svc</c>. Authenticated by call manager key, not by sign-in cookie; served on plain
/// HTTP too (see Program.cs); every answer is one plain-text line or JSON (<see cref="CallManagerReply"/>).
/// </summary>
public static class CallManagerApi
{
    public const int MaxWaitSeconds = 60;
    public const int MaxCallIdLength = 256;

    public static readonly IReadOnlyList<string> PathPrefixes = ["/callmanager", "/callmanager.svc"];

    private static readonly string[] TransferParameters = ["user", "callid", "destination", "key", "wait"];
    private static readonly string[] StateParameters = ["user", "key"];

    /// <summary>Whether <paramref name="path"/> belongs to this API (which HTTPS redirection must leave alone).</summary>
    public static bool Serves(PathString path) => PathPrefixes.Any(prefix => path.StartsWithSegments(prefix));

    public static IEndpointRouteBuilder MapCallManagerApi(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in PathPrefixes)
        {
            var api = endpoints.MapGroup(prefix)
                .DisableAntiforgery()
                .AddEndpointFilter(LimitPerAddressAsync);
            api.MapMethods("/blindtransfer", [HttpMethods.Get, HttpMethods.Post], BlindTransferAsync);
            api.MapGet("/transfers/{id}", GetTransferAsync);
            api.MapGet("/isalive", IsAlive);
            api.Map("/{**rest}", NoSuchEndpoint);
        }

        return endpoints;
    }

    /// <summary><c>blindtransfer?user=&amp;callid=&amp;destination=[&amp;wait=]</c>: sends the other party of the call on to <c>destination</c>.</summary>
    public static async Task<CallManagerReply> BlindTransferAsync(HttpContext context, CallManagerKeyVerifier keys,
        CallManagerRateLimits limits, AuditLog audit, CancellationToken cancellationToken)
    {
        // On the clock the SIP service runs on (the same TimeProvider): where the transfer's dial delay counts from.
        var arrived = context.RequestServices.GetRequiredService<TimeProvider>().GetTimestamp();
        var parameters = await CallManagerParameters.ReadAsync(context.Request, TransferParameters, cancellationToken);
        if ((parameters.Problem ?? TransferRequestProblem(parameters)) is { } problem)
        {
            return CallManagerReply.Problem(StatusCodes.Status400BadRequest, "bad-request", problem);
        }

        var (user, callId, destination) = (parameters["user"]!, parameters["callid"]!, parameters["destination"]!);
        var waitSeconds = parameters["wait"] is { } wait ? int.Parse(wait, CultureInfo.InvariantCulture) : 0;
        var sourceIp = context.Connection.RemoteIpAddress?.ToString();
        if (await keys.VerifyAsync(user, parameters["key"], cancellationToken, sourceIp) is not { } key)
        {
            CallManagerApiLog.KeyRejected(Logger(context), sourceIp);
            return CallManagerReply.Unauthorized();
        }

        Task AuditAsync(string outcome) =>
            audit.WriteAsync(key.AuditName, "transfer.request", $"call {callId}", $"to {destination}: {outcome}", sourceIp, CancellationToken.None);

        if (key.OwnerSuspended)
        {
            await AuditAsync("refused, the owner is suspended");
            return Suspended();
        }

        if (!limits.TryAcquireForUser(key.UserId, out var retryAfter))
        {
            CallManagerApiLog.RateLimited(Logger(context), $"per user, {key.UserName}", sourceIp);
            return CallManagerReply.TooManyRequests(retryAfter, "transfer requests for this user");
        }

        var calls = RunningCalls(context.RequestServices);
        var cluster = context.RequestServices.GetService<ClusterCallControl>();
        if (calls is null && cluster is null)
        {
            await AuditAsync("refused, the SIP service is not running");
            return SipUnavailable();
        }

        var start = calls is null
            ? TransferStartResult.Refused(TransferStartOutcome.NotFound, "the SIP service is not running here")
            : await calls.BlindTransferAsync(key.UserId, callId, destination, key.AuditName, arrived, cancellationToken);
        string? node = null;
        if (start.Outcome == TransferStartOutcome.NotFound && cluster is not null)
        {
            // Not on this node: the node that holds the call carries it out, waiting there (DESIGN §11).
            var forwarded = await cluster.BlindTransferAsync(key.UserId, key.UserName, callId, destination, key.AuditName, waitSeconds, cancellationToken);
            if (forwarded.Outcome == CallControlOutcome.Unavailable)
            {
                await AuditAsync($"refused, {forwarded.Problem}");
                return OwnerUnavailable(forwarded.Problem!);
            }

            if (forwarded is { Outcome: CallControlOutcome.Done, Start: { } remote })
            {
                start = remote.Transfer is null || forwarded.Transfer is null ? remote : remote with { Transfer = forwarded.Transfer };
                node = forwarded.Node;
            }
        }

        if (start is not { Outcome: TransferStartOutcome.Started, Transfer: { } transfer })
        {
            await AuditAsync($"refused, {start.Outcome}: {start.Problem}");
            return Refusal(start);
        }

        // The call is found: from here the request's lines carry the call's correlation id, as its SIP lines do.
        var logger = Logger(context);
        using var scope = CallLogScope.Begin(logger, transfer.CallNumber);
        CallManagerApiLog.TransferStarted(logger, transfer.Id, transfer.CallNumber, destination, key.AuditName, sourceIp);
        await AuditAsync($"started transfer {transfer.Id}" + (node is null ? "" : $" on node {node}"));
        if (waitSeconds > 0 && node is null)
        {
            transfer = await calls!.WaitForTransferAsync(transfer.Id, TimeSpan.FromSeconds(waitSeconds), cancellationToken) ?? transfer;
            CallManagerApiLog.TransferWaited(logger, transfer.Id, transfer.CallNumber, transfer.State);
        }

        return Report(transfer, waitSeconds);
    }

    /// <summary><c>transfers/{id}</c>: a transfer's state, for its owner's key.</summary>
    public static async Task<CallManagerReply> GetTransferAsync(string id, HttpContext context, CallManagerKeyVerifier keys,
        CancellationToken cancellationToken)
    {
        var parameters = await CallManagerParameters.ReadAsync(context.Request, StateParameters, cancellationToken);
        if (parameters.Problem is { } problem)
        {
            return CallManagerReply.Problem(StatusCodes.Status400BadRequest, "bad-request", problem);
        }

        // user= is optional here; when given, the key must be that user's.
        if (await keys.VerifyAsync(parameters["user"], parameters["key"], cancellationToken, context.Connection.RemoteIpAddress?.ToString()) is not { } key)
        {
            CallManagerApiLog.KeyRejected(Logger(context), context.Connection.RemoteIpAddress?.ToString());
            return CallManagerReply.Unauthorized();
        }

        if (key.OwnerSuspended)
        {
            return Suspended();
        }

        var calls = RunningCalls(context.RequestServices);
        var cluster = context.RequestServices.GetService<ClusterCallControl>();
        if (calls is null && cluster is null)
        {
            return SipUnavailable();
        }

        var transfer = calls?.FindTransfer(id) is { } here && here.OwnerId == key.UserId ? here : null;
        if (transfer is null && cluster is not null)
        {
            var forwarded = await cluster.FindTransferAsync(key.UserId, key.UserName, id, cancellationToken);
            if (forwarded.Outcome == CallControlOutcome.Unavailable)
            {
                return OwnerUnavailable(forwarded.Problem!);
            }

            transfer = forwarded.Transfer;
        }

        if (transfer is null)
        {
            return CallManagerReply.Problem(StatusCodes.Status404NotFound, "transfer-not-found",
                "this user has no transfer with that id (transfers are kept for 15 minutes after they end)");
        }

        var report = TransferReport.From(transfer);
        return CallManagerReply.Success(StatusCodes.Status200OK,
                $"transfer {transfer.Id} {report.State}: {Describe(transfer)}{(transfer.IsFinished ? $" ({Outcome(transfer)})" : "")}", report)
            .WithHeader("Location", report.Location);
    }

    public static CallManagerReply IsAlive() => CallManagerReply.Success(StatusCodes.Status200OK, "OK", new { status = "ok" });

    private static CallManagerReply NoSuchEndpoint() => CallManagerReply.Problem(StatusCodes.Status404NotFound, "no-such-endpoint",
        "no such call manager endpoint; use /callmanager/blindtransfer, /callmanager/transfers/{id} or /callmanager/isalive");

    private static string? TransferRequestProblem(CallManagerParameters parameters)
    {
        string[] missing = [.. TransferParameters[..3].Where(name => parameters[name] is null)];
        if (missing.Length > 0)
        {
            return $"missing {string.Join(", ", missing)}: give user, callid and destination, in the query string or a form body";
        }

        var callId = parameters["callid"]!;
        if (callId.Length > MaxCallIdLength)
        {
            return $"callid can be at most {MaxCallIdLength} characters: a SIP Call-ID, or the From or To user of a leg";
        }

        if (callId.Any(char.IsControl))
        {
            return "callid must not contain control characters";
        }

        if (!TransferDestination.IsValid(parameters["destination"]))
        {
            return $"destination is not valid: {TransferDestination.Rule}";
        }

        if (parameters["wait"] is { } wait
            && !(int.TryParse(wait, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= MaxWaitSeconds))
        {
            return $"wait must be a whole number of seconds from 0 to {MaxWaitSeconds}";
        }

        return null;
    }

    private static CallManagerReply Refusal(TransferStartResult start) => start.Outcome switch
    {
        TransferStartOutcome.InvalidDestination => CallManagerReply.Problem(StatusCodes.Status400BadRequest, "bad-request",
            $"destination is not valid: {TransferDestination.Rule}"),
        TransferStartOutcome.NotFound => CallManagerReply.Problem(StatusCodes.Status404NotFound, "call-not-found",
            "this user has no call in progress with a leg of that callid (a SIP Call-ID, or a From or To user)"),
        TransferStartOutcome.Ambiguous => CallManagerReply.Problem(StatusCodes.Status409Conflict, "ambiguous-call",
            start.Problem ?? "several calls in progress have a leg of that callid; use its SIP Call-ID"),
        TransferStartOutcome.NotAnswered => CallManagerReply.Problem(StatusCodes.Status409Conflict, "call-not-answered",
            "the call is not answered yet (or is ending); transfer it once it is answered"),
        TransferStartOutcome.AlreadyTransferring => CallManagerReply.Problem(StatusCodes.Status409Conflict, "already-transferring",
            "a transfer of this call is still pending; wait for its outcome"),
        TransferStartOutcome.NoTransferDialplan => CallManagerReply.Problem(StatusCodes.Status422UnprocessableEntity, "no-transfer-dialplan",
            start.Problem ?? "this user has no dialplan named 'transfer'; create one in the portal to say where transfers go"),
        TransferStartOutcome.TooManyTransfers => CallManagerReply.Problem(StatusCodes.Status403Forbidden, "too-many-transfers",
            (start.Problem ?? "this call has had as many transfers as one call may") + " (Sip:MaxTransfersPerCall)"),
        _ => throw new ArgumentOutOfRangeException(nameof(start), start.Outcome, "not a refusal"),
    };

    private static CallManagerReply Report(TransferSnapshot transfer, int waitedSeconds)
    {
        var report = TransferReport.From(transfer);
        var reply = transfer.State switch
        {
            TransferState.Answered => CallManagerReply.Success(StatusCodes.Status200OK,
                $"transfer {transfer.Id} answered: {Describe(transfer)}, now with {transfer.Target ?? transfer.Destination}", report),
            TransferState.Failed => CallManagerReply.Problem(StatusCodes.Status502BadGateway, "transfer-failed",
                $"transfer {transfer.Id} failed: {Describe(transfer)}: {Outcome(transfer)}; the call goes on as it was", report),
            _ when waitedSeconds > 0 => CallManagerReply.Problem(StatusCodes.Status504GatewayTimeout, "transfer-timeout",
                $"transfer {transfer.Id} still {report.State} after {waitedSeconds} s: {Describe(transfer)}; its state is at {report.Location}", report),
            _ => CallManagerReply.Success(StatusCodes.Status202Accepted, $"transfer {transfer.Id} started: {Describe(transfer)}", report),
        };
        return reply.WithHeader("Location", report.Location);
    }

    private static string Describe(TransferSnapshot transfer) => $"call {transfer.CallNumber} to {transfer.Destination}";

    /// <summary>"486 Busy Here", "487 caller hung up": the SIP status always leads.</summary>
    private static string Outcome(TransferSnapshot transfer)
    {
        var status = transfer.Status?.ToString(CultureInfo.InvariantCulture);
        return (status, transfer.Reason) switch
        {
            (not null, not null) when !transfer.Reason.StartsWith(status, StringComparison.Ordinal) => $"{status} {transfer.Reason}",
            (_, not null) => transfer.Reason,
            (not null, null) => status,
            _ => "no reason given",
        };
    }

    private static CallManagerReply Suspended() => CallManagerReply.Problem(StatusCodes.Status403Forbidden, "suspended",
        "this user is suspended; ask the service's administrator");

    /// <summary>The node that holds the call is gone or did not answer (DESIGN §11); the reason says which.</summary>
    private static CallManagerReply OwnerUnavailable(string problem) =>
        CallManagerReply.Problem(StatusCodes.Status503ServiceUnavailable, "call-node-unavailable", problem);

    private static CallManagerReply SipUnavailable() => CallManagerReply.Problem(StatusCodes.Status503ServiceUnavailable, "sip-unavailable",
        "the SIP service is not running here, so there are no calls to transfer");

    private static CallManager? RunningCalls(IServiceProvider services) => services.GetService<SipHostedService>()?.RunningCalls;

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(CallManagerApiLog.Category);

    private static async ValueTask<object?> LimitPerAddressAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        // A script reads these bodies: never let the status-code pages swap one for the portal's HTML page.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        var limits = context.RequestServices.GetRequiredService<CallManagerRateLimits>();
        if (!limits.TryAcquireForAddress(context.Connection.RemoteIpAddress, out var retryAfter))
        {
            CallManagerApiLog.RateLimited(Logger(context), "per address", context.Connection.RemoteIpAddress?.ToString());
            return CallManagerReply.TooManyRequests(retryAfter, "requests from this address");
        }

        try
        {
            return await next(invocation);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // A script reads this answer: one plain line (or problem details), not the portal's HTML error page.
            CallManagerApiLog.RequestFailed(Logger(context), e, context.Request.Path);
            return CallManagerReply.Problem(StatusCodes.Status500InternalServerError, "internal-error",
                "the call manager could not handle this request; it is logged, try again");
        }
    }
}

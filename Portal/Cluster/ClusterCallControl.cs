using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Portal.Services;
using Portal.Sip.Calls.Transfers;
using Portal.SipIntegration;
using StackExchange.Redis;

namespace Portal.Cluster;

/// <summary>
/// Call control for calls held by another node (DESIGN §11): finds the owner node in Redis, sends it the request on
/// its channel and waits for the reply on this node's (<see cref="ClusterOptions.CallRequestTimeout"/>); and, as the
/// owner, carries out what other nodes send with the same ownership checks as a local request, under the identity
/// the sending node verified. An owner without a heartbeat, or one that does not answer in time, is Unavailable.
/// </summary>
public sealed partial class ClusterCallControl(
    IConnectionMultiplexer redis,
    IOptions<ClusterOptions> options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<ClusterCallControl> logger) : IHostedService
{
    private readonly string node = options.Value.NodeId;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CallControlReply>> pending = new(StringComparer.Ordinal);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var subscriber = redis.GetSubscriber();
        try
        {
            await subscriber.SubscribeAsync(ClusterKeys.Replies(node), (_, message) => OnReply(message));
            await subscriber.SubscribeAsync(ClusterKeys.Requests(node), (_, message) => AnswerLater(message));
        }
        catch (RedisException e)
        {
            LogRedisFailed(logger, e, "subscribing to call control");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            var subscriber = redis.GetSubscriber();
            await subscriber.UnsubscribeAsync(ClusterKeys.Requests(node));
            await subscriber.UnsubscribeAsync(ClusterKeys.Replies(node));
        }
        catch (RedisException e)
        {
            LogRedisFailed(logger, e, "leaving call control");
        }
    }

    /// <summary>A <c>blindtransfer</c> of a call no leg of which is on this node: to the one node that has it.</summary>
    public async Task<CallControlReply> BlindTransferAsync(string ownerId, string ownerName, string legIdentifier, string destination,
        string requestedBy, int waitSeconds, CancellationToken cancellationToken)
    {
        var request = NewRequest(CallControlRequest.BlindTransfer, ownerId, ownerName, false, legIdentifier) with
        {
            Destination = destination, RequestedBy = requestedBy, WaitSeconds = waitSeconds,
        };
        try
        {
            var nodes = (await redis.GetDatabase().SetMembersAsync(ClusterKeys.Leg(ownerId, legIdentifier)))
                .Select(n => n.ToString()).Where(n => n != node).ToList();
            var live = new List<string>();
            foreach (var other in nodes)
            {
                if (await IsAliveAsync(other))
                {
                    live.Add(other);
                }
            }

            return (nodes.Count, live.Count) switch
            {
                (0, _) => CallControlReply.NotFound(request.Id),
                (_, 0) => CallControlReply.Unavailable(request.Id, NodeGoneProblem(nodes[0])),
                (_, > 1) => new CallControlReply(request.Id, CallControlOutcome.Done, Start: TransferStartResult.Refused(TransferStartOutcome.Ambiguous,
                    $"calls on nodes {string.Join(", ", live)} have a leg '{legIdentifier}'; use its Call-ID")),
                _ => await SendAsync(live[0], request, options.Value.CallRequestTimeout + TimeSpan.FromSeconds(waitSeconds), cancellationToken),
            };
        }
        catch (RedisException e)
        {
            return RedisUnavailable(request.Id, e);
        }
    }

    /// <summary>A transfer's state, from the node that runs it.</summary>
    public Task<CallControlReply> FindTransferAsync(string ownerId, string ownerName, string transferId, CancellationToken cancellationToken) =>
        ForwardAsync(ClusterKeys.Transfer(transferId), NewRequest(CallControlRequest.TransferState, ownerId, ownerName, false, transferId), cancellationToken);

    /// <summary>The portal's Hang up of a call held by another node.</summary>
    public Task<CallControlReply> HangUpAsync(PortalCaller caller, string callId, string? sourceIp, CancellationToken cancellationToken = default) =>
        ForwardAsync(ClusterKeys.Call(callId), NewRequest(CallControlRequest.HangUp, caller.UserId, caller.UserName, caller.IsAdmin, callId) with
        {
            SourceIp = sourceIp,
        }, cancellationToken);

    /// <summary>The portal's Transfer… of a call held by another node.</summary>
    public Task<CallControlReply> TransferAsync(PortalCaller caller, string callId, string? destination, string? sourceIp,
        CancellationToken cancellationToken = default) =>
        ForwardAsync(ClusterKeys.Call(callId), NewRequest(CallControlRequest.Transfer, caller.UserId, caller.UserName, caller.IsAdmin, callId) with
        {
            Destination = destination, SourceIp = sourceIp,
        }, cancellationToken);

    private CallControlRequest NewRequest(string action, string userId, string userName, bool isAdmin, string target) =>
        new(Guid.NewGuid().ToString("N"), node, action, userId, userName, isAdmin, target);

    /// <summary>To the node the key names, when it is another live one.</summary>
    private async Task<CallControlReply> ForwardAsync(RedisKey owner, CallControlRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var holder = (await redis.GetDatabase().StringGetAsync(owner)).ToString();
            if (string.IsNullOrEmpty(holder) || holder == node)
            {
                return CallControlReply.NotFound(request.Id);
            }

            return await IsAliveAsync(holder)
                ? await SendAsync(holder, request, options.Value.CallRequestTimeout, cancellationToken)
                : CallControlReply.Unavailable(request.Id, NodeGoneProblem(holder));
        }
        catch (RedisException e)
        {
            return RedisUnavailable(request.Id, e);
        }
    }

    private async Task<CallControlReply> SendAsync(string owner, CallControlRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<CallControlReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[request.Id] = reply;
        try
        {
            LogForwarding(logger, request.Action, request.Target, owner);
            if (await redis.GetSubscriber().PublishAsync(ClusterKeys.Requests(owner), ClusterJson.Write(request)) == 0)
            {
                return CallControlReply.Unavailable(request.Id, $"node {owner}, which holds the call, is not listening for requests; try again");
            }

            return await reply.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogNoAnswer(logger, request.Action, owner, timeout.TotalSeconds);
            return CallControlReply.Unavailable(request.Id,
                $"node {owner}, which holds the call, did not answer within {timeout.TotalSeconds:0} s; try again");
        }
        finally
        {
            pending.TryRemove(request.Id, out _);
        }
    }

    private void OnReply(RedisValue message)
    {
        if (ClusterJson.Read<CallControlReply>(message.ToString()) is { } reply && pending.TryGetValue(reply.Id, out var waiting))
        {
            waiting.TrySetResult(reply);
        }
    }

    // Off the subscriber's message loop: a transfer with wait= takes seconds.
    private void AnswerLater(RedisValue message) => _ = Task.Run(() => AnswerAsync(message));

    /// <summary>As the owner: carries out a request another node forwarded, and replies to it.</summary>
    private async Task AnswerAsync(RedisValue message)
    {
        if (ClusterJson.Read<CallControlRequest>(message.ToString()) is not { } request)
        {
            return;
        }

        CallControlReply reply;
        try
        {
            reply = await CarryOutAsync(request) with { Node = node };
        }
        catch (Exception e)
        {
            LogRequestFailed(logger, e, request.Action, request.ReplyTo);
            reply = CallControlReply.Unavailable(request.Id, $"node {node} could not carry out the request; it is logged there, try again");
        }

        try
        {
            await redis.GetSubscriber().PublishAsync(ClusterKeys.Replies(request.ReplyTo), ClusterJson.Write(reply));
        }
        catch (RedisException e)
        {
            LogRedisFailed(logger, e, "replying to a call control request");
        }
    }

    private async Task<CallControlReply> CarryOutAsync(CallControlRequest request)
    {
        var caller = new PortalCaller(request.UserId, request.UserName, request.IsAdmin);
        var live = services.GetRequiredService<LiveCallService>();
        try
        {
            switch (request.Action)
            {
                case CallControlRequest.HangUp:
                    await live.HangUpHereAsync(caller, request.Target, request.SourceIp);
                    return new CallControlReply(request.Id, CallControlOutcome.Done);
                case CallControlRequest.Transfer:
                    var transfer = await live.TransferHereAsync(caller, request.Target, request.Destination, request.SourceIp);
                    return new CallControlReply(request.Id, CallControlOutcome.Done, Transfer: transfer);
            }
        }
        catch (PortalNotFoundException)
        {
            return CallControlReply.NotFound(request.Id);
        }
        catch (PortalValidationException e)
        {
            return new CallControlReply(request.Id, CallControlOutcome.Refused, e.Message);
        }

        if (services.GetService<SipHostedService>()?.RunningCalls is not { } calls)
        {
            return CallControlReply.Unavailable(request.Id, $"the SIP service is not running on node {node}");
        }

        switch (request.Action)
        {
            case CallControlRequest.BlindTransfer:
                // A key's request: only the key owner's calls, as CallManagerApi does locally.
                var start = await calls.BlindTransferAsync(request.UserId, request.Target, request.Destination ?? "", request.RequestedBy ?? request.UserName);
                var started = start.Transfer;
                if (started is not null && request.WaitSeconds > 0)
                {
                    started = await calls.WaitForTransferAsync(started.Id, TimeSpan.FromSeconds(request.WaitSeconds)) ?? started;
                }

                return start.Outcome == TransferStartOutcome.NotFound
                    ? CallControlReply.NotFound(request.Id)
                    : new CallControlReply(request.Id, CallControlOutcome.Done, Start: start, Transfer: started);
            case CallControlRequest.TransferState:
                return calls.FindTransfer(request.Target) is { } found && found.OwnerId == request.UserId
                    ? new CallControlReply(request.Id, CallControlOutcome.Done, Transfer: found)
                    : CallControlReply.NotFound(request.Id);
            default:
                return CallControlReply.Unavailable(request.Id, $"node {node} does not know the request '{request.Action}'");
        }
    }

    private async Task<bool> IsAliveAsync(string other) => await redis.GetDatabase().KeyExistsAsync(ClusterKeys.Node(other));

    private static string NodeGoneProblem(string owner) =>
        $"node {owner}, which held the call, has stopped (no heartbeat); its calls ended with it";

    private CallControlReply RedisUnavailable(string id, RedisException e)
    {
        LogRedisFailed(logger, e, "finding the node that holds a call");
        return CallControlReply.Unavailable(id, "the nodes' shared Redis is not reachable, so the node that holds the call cannot be asked; try again");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarding {Action} of {Target} to node {Node}, which holds the call")]
    private static partial void LogForwarding(ILogger logger, string action, string target, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} did not answer {Action} within {Seconds} s")]
    private static partial void LogNoAnswer(ILogger logger, string action, string node, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "A forwarded {Action} from node {Node} failed")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string action, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis failed while {Doing}")]
    private static partial void LogRedisFailed(ILogger logger, Exception exception, string doing);
}

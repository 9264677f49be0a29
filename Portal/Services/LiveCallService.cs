using Microsoft.Extensions.Options;
using Portal.Cluster;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using Portal.SipIntegration;

namespace Portal.Services;

/// <summary>
/// In-progress calls for the portal: the caller's own (admins: everyone's), live events filtered the same way,
/// and hang-up and blind transfer with an ownership check and an audit entry. Empty when the SIP service is not
/// running. On several nodes (DESIGN §11) the lists and events include the other nodes' calls, each naming its
/// node, and a hang-up or transfer of another node's call is carried out there (<see cref="ClusterCallControl"/>).
/// </summary>
public sealed class LiveCallService(IServiceProvider services, AuditLog audit)
{
    private CallManager? Manager => services.GetService<SipHostedService>()?.RunningCalls;

    private ClusterCallView? View => services.GetService<ClusterCallView>();

    /// <summary>This node's name when the service runs on several; null on a single node.</summary>
    public string? NodeId => View is null ? null : services.GetRequiredService<IOptions<ClusterOptions>>().Value.NodeId;

    public bool IsAvailable => Manager is not null || View is not null;

    /// <summary>Whether calls may be on other nodes (the Calls page then names each call's node).</summary>
    public bool IsClustered => View is not null;

    public IReadOnlyList<CallSnapshot> List(PortalCaller caller)
    {
        var ownerId = caller.IsAdmin ? null : caller.UserId;
        var here = Manager?.GetCalls(ownerId) ?? [];
        if (View is not { } view)
        {
            return here;
        }

        var node = NodeId;
        return [.. here.Select(c => c with { Node = node }).Concat(view.GetCalls(ownerId)).OrderBy(c => c.StartedAt)];
    }

    /// <summary>Whether the call is on this node (its SIP ladder can be shown here).</summary>
    public bool IsHere(CallSnapshot call) => call.Node is null || call.Node == NodeId;

    /// <summary>Follows the calls this caller may see; dispose the result to stop.</summary>
    public IDisposable Subscribe(PortalCaller caller, Action<CallEvent> onChange)
    {
        void Filtered(CallEvent e)
        {
            if (caller.IsAdmin || e.Call.OwnerId == caller.UserId)
            {
                onChange(e);
            }
        }

        var node = NodeId;
        var here = Manager?.Subscribe(node is null ? Filtered : e => Filtered(e with { Call = e.Call with { Node = node } }));
        if (View is not { } view)
        {
            return here ?? NoSubscription.Instance;
        }

        view.Changed += Filtered;
        return new Subscriptions(here, () => view.Changed -= Filtered);
    }

    public async Task HangUpAsync(PortalCaller caller, string callId, string? sourceIp = null)
    {
        if (Manager?.Find(callId) is null && services.GetService<ClusterCallControl>() is { } cluster)
        {
            Forwarded(await cluster.HangUpAsync(caller, callId, sourceIp));
            return;
        }

        await HangUpHereAsync(caller, callId, sourceIp);
    }

    /// <summary>Hangs up a call of this node; what <see cref="HangUpAsync"/> does for a call held here.</summary>
    public async Task HangUpHereAsync(PortalCaller caller, string callId, string? sourceIp = null)
    {
        var manager = Manager;
        var call = manager?.Find(callId);
        if (manager is null || call is null || (!caller.IsAdmin && call.OwnerId != caller.UserId))
        {
            throw new PortalNotFoundException("The call");
        }

        if (!await manager.HangUpAsync(callId, $"hung up from the portal by {caller.UserName}"))
        {
            throw new PortalNotFoundException("The call");
        }

        // An admin hanging up someone's call: the entry shows in the owner's Activity too.
        await audit.WriteForOwnerAsync(call.OwnerId == caller.UserId ? null : call.OwnerId, caller.AuditName, "call.hangup",
            $"{call.From} → {call.To}", $"call {call.Number}, owner {call.OwnerUserName}", sourceIp);
    }

    /// <summary>
    /// Transfers a call the caller may see (DESIGN §2 step 4, started from the portal): the caller stays, the party it
    /// talks to leaves, and the owner's <c>transfer</c> dialplan says where <paramref name="destination"/> goes.
    /// Returns the transfer as it started; its progress shows in the call's events.
    /// </summary>
    public async Task<TransferSnapshot> TransferAsync(PortalCaller caller, string callId, string? destination, string? sourceIp = null)
    {
        if (Manager?.Find(callId) is null && services.GetService<ClusterCallControl>() is { } cluster)
        {
            return Forwarded(await cluster.TransferAsync(caller, callId, destination, sourceIp)).Transfer!;
        }

        return await TransferHereAsync(caller, callId, destination, sourceIp);
    }

    /// <summary>Transfers a call of this node; what <see cref="TransferAsync"/> does for a call held here.</summary>
    public async Task<TransferSnapshot> TransferHereAsync(PortalCaller caller, string callId, string? destination, string? sourceIp = null)
    {
        var manager = Manager;
        var call = manager?.Find(callId);
        if (manager is null || call is null || (!caller.IsAdmin && call.OwnerId != caller.UserId))
        {
            throw new PortalNotFoundException("The call");
        }

        destination = destination?.Trim();
        if (!TransferDestination.IsValid(destination))
        {
            throw new PortalValidationException("Destination", $"Not a destination: {TransferDestination.Rule}.");
        }

        var result = await manager.TransferAsync(callId, destination!, caller.AuditName);
        await audit.WriteForOwnerAsync(call.OwnerId == caller.UserId ? null : call.OwnerId, caller.AuditName, "transfer.request",
            $"call {call.Number}", $"to {destination}: {result.Outcome}", sourceIp);
        return result.Outcome switch
        {
            TransferStartOutcome.Started => result.Transfer!,
            TransferStartOutcome.NotFound => throw new PortalNotFoundException("The call"),
            _ => throw new PortalValidationException("Destination", Sentence(result.Problem!)),
        };
    }

    /// <summary>The owner node's answer as this node would have given it.</summary>
    private static CallControlReply Forwarded(CallControlReply reply) => reply.Outcome switch
    {
        CallControlOutcome.Done => reply,
        CallControlOutcome.NotFound => throw new PortalNotFoundException("The call"),
        CallControlOutcome.Refused => throw new PortalValidationException("Destination", reply.Problem ?? "The transfer was refused."),
        _ => throw new PortalUnavailableException(Sentence(reply.Problem ?? "the node that holds the call did not answer")),
    };

    private static string Sentence(string text) => char.ToUpperInvariant(text[0]) + text[1..] + ".";

    private sealed class Subscriptions(IDisposable? here, Action leaveView) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                here?.Dispose();
                leaveView();
            }
        }
    }

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}

using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using Portal.SipIntegration;

namespace Portal.Services;

/// <summary>
/// In-progress calls for the portal: the caller's own (admins: everyone's), live events filtered the same way,
/// and hang-up and blind transfer with an ownership check and an audit entry. Empty when the SIP service is not
/// running.
/// </summary>
public sealed class LiveCallService(IServiceProvider services, AuditLog audit)
{
    private CallManager? Manager => services.GetService<SipHostedService>()?.RunningCalls;

    public bool IsAvailable => Manager is not null;

    public IReadOnlyList<CallSnapshot> List(PortalCaller caller) =>
        Manager?.GetCalls(caller.IsAdmin ? null : caller.UserId) ?? [];

    /// <summary>Follows the calls this caller may see; dispose the result to stop.</summary>
    public IDisposable Subscribe(PortalCaller caller, Action<CallEvent> onChange)
    {
        var manager = Manager;
        if (manager is null)
        {
            return NoSubscription.Instance;
        }

        return manager.Subscribe(e =>
        {
            if (caller.IsAdmin || e.Call.OwnerId == caller.UserId)
            {
                onChange(e);
            }
        });
    }

    public async Task HangUpAsync(PortalCaller caller, string callId, string? sourceIp = null)
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

    private static string Sentence(string text) => char.ToUpperInvariant(text[0]) + text[1..] + ".";

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}

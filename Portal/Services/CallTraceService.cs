using Portal.Data.Entities;
using Portal.Sip.Tracing;
using Portal.SipIntegration;

namespace Portal.Services;

/// <summary>
/// Calls' SIP messages for the portal (the ladder and the pcap export): a call's trace only for its owner, or an
/// admin (who sees every call on the Calls page too). Someone else's call and a call no longer kept look the same.
/// </summary>
public sealed class CallTraceService(IServiceProvider services)
{
    private SipTrace? Store => services.GetService<SipHostedService>()?.RunningTrace;

    /// <summary>The call's trace as it is now, when <paramref name="caller"/> may see it; else null.</summary>
    public CallTraceView? Find(PortalCaller caller, string callId) => Visible(caller, callId)?.View();

    /// <summary>Follows a call's trace the caller may see; null when it may not (or the call is not kept). Dispose to stop.</summary>
    public IDisposable? Subscribe(PortalCaller caller, string callId, Action onChange) =>
        Visible(caller, callId)?.Subscribe(onChange);

    /// <summary>
    /// The id to open the ladder of a call record with, while the call's messages are kept; null after. The record
    /// must be one the caller may see (the history lists only the caller's own); the trace must be its owner's too,
    /// since Call-IDs are chosen by phones and two calls may share one.
    /// </summary>
    public string? LadderIdFor(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        CallTrace? trace = Store?.FindBySipCallId(record.CallerCallId);
        return trace is { CallId: { } id } && trace.OwnerId == record.OwnerId ? id : null;
    }

    /// <summary>The call's messages as a pcap file, when the caller may see the call; else null.</summary>
    public byte[]? ExportPcap(PortalCaller caller, string callId) =>
        Find(caller, callId) is { } view ? SipPcap.ToBytes(view.Messages) : null;

    private CallTrace? Visible(PortalCaller caller, string callId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrEmpty(callId) || Store?.Find(callId) is not { } trace)
        {
            return null;
        }

        return caller.IsAdmin || trace.OwnerId == caller.UserId ? trace : null;
    }
}

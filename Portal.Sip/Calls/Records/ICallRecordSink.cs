using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Transfers;

namespace Portal.Sip.Calls.Records;

/// <summary>
/// Receives call detail records as a call progresses (DESIGN §4 CallRecord), so nothing is lost on a crash; the
/// portal writes them to its database. Calls for one call come in order, one at a time; a failure is logged and
/// does not affect the call. A sink may store behind (in batches); the service flushes it when it stops.
/// <para>The calls come on the SIP service's own threads, the receive path among them: a sink queues its work and
/// returns; it never waits for a database or the network before returning.</para>
/// </summary>
public interface ICallRecordSink
{
    ValueTask CallStartedAsync(CallSnapshot call);

    ValueTask CallAnsweredAsync(CallSnapshot call);

    /// <param name="call">The call as it ended.</param>
    /// <param name="status">One of <see cref="CallEndStatus"/>.</param>
    /// <param name="reason">Why it ended, for people: "caller hung up", "486 Busy Here", …</param>
    ValueTask CallEndedAsync(CallSnapshot call, string status, string reason);

    /// <summary>
    /// A phone's REFER started a transfer of the call (DESIGN §7: every transfer request is audited, as the call manager
    /// API's and the portal's are where they arrive). <paramref name="source"/> is the REFER's source address.
    /// </summary>
    ValueTask TransferRequestedAsync(CallSnapshot call, TransferSnapshot transfer, string source);

    /// <summary>A blind transfer of the call has its outcome: answered (the call now goes to <see cref="TransferSnapshot.Target"/>) or failed.</summary>
    ValueTask TransferFinishedAsync(CallSnapshot call, TransferSnapshot transfer);

    /// <summary>Something was refused that concerns a user's calls (DESIGN §10): the portal audits it under that user.</summary>
    ValueTask CallRefusedAsync(CallRefusal refusal);

    /// <summary>Completes once every record handed over so far is stored (a sink that writes behind, on a clean stop).</summary>
    ValueTask FlushAsync() => ValueTask.CompletedTask;
}

using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;

namespace Portal.Api;

/// <summary>A transfer as the call manager API reports it in JSON (DESIGN §7).</summary>
/// <param name="Id">The transfer's id.</param>
/// <param name="State"><c>pending</c>, <c>ringing</c>, <c>answered</c> or <c>failed</c>.</param>
/// <param name="Status">The outcome's SIP status (200 when answered); null while pending.</param>
/// <param name="Reason">The outcome for people, e.g. "486 Busy Here".</param>
/// <param name="CallNumber">The call's short number, as on the Calls page.</param>
/// <param name="Destination">What was asked for.</param>
/// <param name="Target">The Request-URI of the leg that answered, or of the last leg tried.</param>
/// <param name="StartedAt">When it was asked for.</param>
/// <param name="EndedAt">When the outcome was known.</param>
/// <param name="Location">Where to ask for its state.</param>
/// <param name="DialDelayMs">Milliseconds from the request's arrival to the first INVITE for the new destination.</param>
public sealed record TransferReport(
    string Id,
    string State,
    int? Status,
    string? Reason,
    long CallNumber,
    string Destination,
    string? Target,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string Location,
    double? DialDelayMs = null)
{
    public static TransferReport From(TransferSnapshot transfer) => new(
        transfer.Id,
        StateName(transfer.State),
        transfer.Status,
        transfer.Reason,
        transfer.CallNumber,
        transfer.Destination,
        transfer.Target,
        transfer.StartedAt,
        transfer.EndedAt,
        LocationOf(transfer.Id),
        transfer.DialDelay is { } delay ? Math.Round(delay.TotalMilliseconds, 2) : null);

    public static string LocationOf(string transferId) => $"/callmanager/transfers/{Uri.EscapeDataString(transferId)}";

    public static string StateName(TransferState state) => state switch
    {
        TransferState.Pending => "pending",
        TransferState.Ringing => "ringing",
        TransferState.Answered => "answered",
        TransferState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}

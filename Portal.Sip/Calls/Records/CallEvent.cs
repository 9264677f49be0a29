namespace Portal.Sip.Calls.Records;

/// <summary>A change to a call, raised by <see cref="CallManager.CallChanged"/> with the call as it is now.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Call">The call after the change.</param>
/// <param name="Reason">For <see cref="CallEventKind.Ended"/>: why ("caller hung up", "486 Busy Here", …).</param>
public sealed record CallEvent(CallEventKind Kind, CallSnapshot Call, string? Reason = null);

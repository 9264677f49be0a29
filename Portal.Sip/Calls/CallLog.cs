using Microsoft.Extensions.Logging;
using Portal.Sip.Calls.Transfers;

namespace Portal.Sip.Calls;

/// <summary>The call layer's log messages.</summary>
internal static partial class CallLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number} ({CallId}) from {From} to {To} started for {Owner}: {Direction}, dialplan {Dialplan}")]
    public static partial void Started(ILogger logger, long number, string callId, string from, string to, string owner, CallDirection direction, string? dialplan);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number}: dialling {Target} (Call-ID {CallId})")]
    public static partial void Dialling(ILogger logger, long number, string target, string callId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number}: {Target} answered")]
    public static partial void Answered(ILogger logger, long number, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number} ended ({Status}): {Reason}")]
    public static partial void Ended(ILogger logger, long number, string status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number} dialplan log: {Text}")]
    public static partial void DialplanLog(ILogger logger, long number, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Number} dialplan warning: {Warning}")]
    public static partial void DialplanWarning(ILogger logger, long number, string warning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Number}: the dialplan of owner {Owner} was stopped: {Message}")]
    public static partial void DialplanOverBudget(ILogger logger, long number, string owner, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Number} refused: owner {Owner} already has {Limit} dialplan evaluations running")]
    public static partial void DialplanBusy(ILogger logger, long number, string owner, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dialplan {Dialplan} of owner {Owner} cannot be used: {Problem}")]
    public static partial void DialplanUnusable(ILogger logger, string dialplan, string owner, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number}: leg {Target} could not be dialled: {Status} {Reason}")]
    public static partial void LegUnreachable(ILogger logger, long number, string target, int status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Number}: {What} failed")]
    public static partial void StepFailed(ILogger logger, Exception exception, long number, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the call record of call {Number} failed")]
    public static partial void RecordFailed(ILogger logger, Exception exception, long number);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A call event handler failed")]
    public static partial void EventHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "INVITE from {Remote} refused for owner {Owner}: {Count} calls in progress, the limit is {Limit}")]
    public static partial void TooManyCalls(ILogger logger, string remote, string owner, int count, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number}: {Target} left the call ({Reason}); the other party stays")]
    public static partial void LegLeft(ILogger logger, long number, string target, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number}: transfer {Transfer} to {Destination} requested by {RequestedBy}, replacing leg {Replaced}")]
    public static partial void TransferStarted(ILogger logger, long number, string transfer, string destination, string requestedBy, string replaced);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number}: transfer {Transfer} {State}: {Reason}")]
    public static partial void TransferFinished(ILogger logger, long number, string transfer, TransferState state, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Number}: the remaining party refused the re-INVITE after transfer {Transfer}: {Status} {Reason}")]
    public static partial void TransferReinviteRefused(ILogger logger, long number, string transfer, int status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {Number}: after transfer {Transfer} the remaining party answered with another session description; the new party is re-INVITEd with it")]
    public static partial void TransferMediaChanged(ILogger logger, long number, string transfer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP refused from {Address}: {Action} for {Owner}: {Reason}")]
    public static partial void Refused(ILogger logger, string address, string action, string owner, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auditing a refusal ({Action} for {Owner}) failed")]
    public static partial void RefusalAuditFailed(ILogger logger, Exception exception, string action, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the earlier calls of owner {Owner} for the velocity limits failed; counting from zero")]
    public static partial void VelocitySeedFailed(ILogger logger, Exception exception, string owner);
}

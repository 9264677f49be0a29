using Microsoft.Extensions.Logging;

using Portal.Sip.Messages;

using Portal.Sip.Transport;

namespace Portal.Sip.Transactions;

/// <summary>The transaction layer's log messages (source-generated).</summary>
internal static partial class TransactionLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "The transaction user failed handling {What}")]
    public static partial void HandlerFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Sending {Method} to {Remote} failed; the transaction ends")]
    public static partial void RequestSendFailed(ILogger logger, SipMethod method, SipEndPoint remote, Exception exception);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Debug, Message = "Sending {Status} to {Method} to {Remote} failed; the transaction ends")]
    public static partial void ResponseSendFailed(ILogger logger, int status, SipMethod method, SipEndPoint remote, Exception exception);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Dropped a {What} from {Remote} that names no transaction (no top Via, Call-ID or CSeq)")]
    public static partial void NoKey(ILogger logger, string what, SipEndPoint remote);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Timer {Timer} fired: {Method} transaction {Branch} ends")]
    public static partial void TimedOut(ILogger logger, string timer, string method, string branch);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Merged request {Method} from {Remote} refused with 482 (RFC 3261 §8.2.2.2)")]
    public static partial void Merged(ILogger logger, string method, SipEndPoint remote);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "CANCEL from {Remote} matches no transaction: 481")]
    public static partial void CancelUnmatched(ILogger logger, SipEndPoint remote);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Debug, Message = "Discarded a {Status} response the {State} transaction {Branch} may not send")]
    public static partial void ResponseDiscarded(ILogger logger, int status, ServerTransactionState state, string branch);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Error, Message = "A transaction timer failed")]
    public static partial void TimerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "The TU sent no final response to {Method} {Branch} in time (64*T1, or after a CANCEL); the transaction ends it")]
    public static partial void Unanswered(ILogger logger, string method, string branch);
}

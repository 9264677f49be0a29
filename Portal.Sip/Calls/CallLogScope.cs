using Microsoft.Extensions.Logging;

namespace Portal.Sip.Calls;

/// <summary>
/// The correlation id of a call's log lines: a logging scope <c>Call {CallNumber}</c>, begun wherever a call's work
/// starts (its INVITE, requests in its dialogs, a transfer, the call manager API once it has found the call), so
/// every line of one call, SIP side and HTTP side, carries the same <c>CallNumber</c>. The scope flows with the
/// async work begun inside it, timers included.
/// </summary>
public static class CallLogScope
{
    private static readonly Func<ILogger, long, IDisposable?> Scope = LoggerMessage.DefineScope<long>("Call {CallNumber}");

    /// <summary>The scope's property name, as structured (JSON) logs show it.</summary>
    public const string PropertyName = "CallNumber";

    public static IDisposable? Begin(ILogger logger, long callNumber) => Scope(logger, callNumber);
}

using Portal.Sip.Calls.Transfers;

namespace Portal.Api;

/// <summary>What the call manager API tells the operator: keys that did not check out, and rate limits hit.</summary>
internal static partial class CallManagerApiLog
{
    public const string Category = "Portal.Api.CallManagerApi";

    // The user name as given is left out: it is whatever the request said, newlines included.
    [LoggerMessage(Level = LogLevel.Information, Message = "Call manager request from {Address} refused: the key did not check out")]
    public static partial void KeyRejected(ILogger logger, string? address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call manager rate limit reached ({Limit}) for a request from {Address}; answered 429")]
    public static partial void RateLimited(ILogger logger, string limit, string? address);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Call manager: transfer {Transfer} of call {Number} to {Destination} started by {Actor} from {Address}")]
    public static partial void TransferStarted(ILogger logger, string transfer, long number, string destination, string actor, string? address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call manager: transfer {Transfer} of call {Number} is {State} after the request's wait")]
    public static partial void TransferWaited(ILogger logger, string transfer, long number, TransferState state);

    [LoggerMessage(Level = LogLevel.Error, Message = "Call manager request {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string path);
}

using System.Net;

using Microsoft.Extensions.Logging;

using Portal.Sip.Messages;

namespace Portal.Sip.Transport;

/// <summary>The transport's log messages (source-generated).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "SIP listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, SipEndPoint endPoint);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Dropped an unparsable message from {Remote}: {Problem}")]
    public static partial void Dropped(ILogger logger, SipEndPoint remote, SipParseError problem);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Refused a request from {Remote}: {Status} {Reason}")]
    public static partial void Refused(ILogger logger, SipEndPoint remote, int status, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Receive error on {Local}; the loop goes on")]
    public static partial void ReceiveError(ILogger logger, SipEndPoint local, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Handling a message from {Remote} failed")]
    public static partial void HandlerFailed(ILogger logger, SipEndPoint remote, Exception exception);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "TCP connection {Remote} opened")]
    public static partial void ConnectionOpened(ILogger logger, SipEndPoint remote);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "TCP connection {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, SipEndPoint remote, string reason);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Sending {Length} bytes over UDP to {Remote}, above the 1300 bytes RFC 3261 §18.1.1 keeps for UDP")]
    public static partial void LargeDatagram(ILogger logger, SipEndPoint remote, int length);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Accept failed on {Local}; the loop goes on")]
    public static partial void AcceptError(ILogger logger, SipEndPoint local, Exception exception);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Refused a TCP connection from {Address}: {Reason}; further refusals of this address are not logged for {WindowSeconds} s")]
    public static partial void ConnectionRefused(ILogger logger, IPAddress address, string reason, int windowSeconds);
}

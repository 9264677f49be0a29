using Microsoft.Extensions.Logging;

namespace Portal.Sip.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Writing a batch of {Count} {What} failed; they are not stored")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string what, int count);
}

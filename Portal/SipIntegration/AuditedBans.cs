using Portal.Services;
using Portal.Sip.Limits;

namespace Portal.SipIntegration;

/// <summary>
/// Writes every SIP ban (a flood ban, an address or a user name blocked after failed digest answers) to the audit log
/// as <c>sip.ban</c> by <c>sip</c>, with the address, off the receive path. A flood from many (spoofable) UDP
/// sources must not become as many rows: at most <see cref="MaxPerMinute"/> are written a minute, and the rest are
/// counted in one log line (the bans themselves are logged, for fail2ban, either way).
/// </summary>
public sealed partial class AuditedBans(AuditLog audit, SipDatabaseWrites writes, TimeProvider time, ILogger<AuditedBans> logger) : IBanReport
{
    public const int MaxPerMinute = 60;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private long? windowStart;
    private int written;
    private int skipped;

    public void BanStarted(SipBan ban)
    {
        ArgumentNullException.ThrowIfNull(ban);
        int skippedLastWindow = 0;
        bool write;
        lock (gate)
        {
            var now = time.GetTimestamp();
            if (windowStart is not { } start || time.GetElapsedTime(start, now) >= Window)
            {
                skippedLastWindow = skipped;
                (windowStart, written, skipped) = (now, 0, 0);
            }

            write = written < MaxPerMinute;
            if (write)
            {
                written++;
            }
            else
            {
                skipped++;
            }
        }

        if (skippedLastWindow > 0)
        {
            LogSkipped(logger, skippedLastWindow, MaxPerMinute);
        }

        if (write)
        {
            _ = WriteAsync(ban);
        }
    }

    private async Task WriteAsync(SipBan ban)
    {
        // Never on the SIP receive path: the audit write goes to the database.
        await Task.Yield();
        var address = (ban.Address.IsIPv4MappedToIPv6 ? ban.Address.MapToIPv4() : ban.Address).ToString();
        try
        {
            await writes.RunAsync(() => audit.WriteAsync("sip", "sip.ban", ban.Username is null ? address : $"user '{ban.Username}'",
                $"{ban.Kind}: {ban.Reason}, for {(int)ban.Duration.TotalSeconds} s", address));
        }
        catch (Exception e)
        {
            LogFailed(logger, e, ban.Kind, address);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} SIP bans in the last minute were not audited (at most {Limit} a minute are)")]
    private static partial void LogSkipped(ILogger logger, int count, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auditing a SIP ban ({Kind}, {Address}) failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string kind, string address);
}

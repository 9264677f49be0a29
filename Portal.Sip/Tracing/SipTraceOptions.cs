namespace Portal.Sip.Tracing;

/// <summary><c>Sip:Trace</c>: how long the SIP messages of a call are kept after it ends, and the memory they may take.</summary>
public sealed class SipTraceOptions
{
    /// <summary>Minutes a call's messages are kept after it ends; 0 keeps them only while the call lasts.</summary>
    public int KeepMinutes { get; set; } = 60;

    /// <summary>
    /// Megabytes of messages kept in all. Past it, the calls that ended first are forgotten first; when only calls
    /// in progress are left, new messages are left out (and counted) until room is made.
    /// </summary>
    public int MaxMegabytes { get; set; } = 64;

    public TimeSpan Keep => TimeSpan.FromMinutes(Math.Clamp(KeepMinutes, 0, 7 * 24 * 60));

    public long MaxBytes => Math.Clamp(MaxMegabytes, 1, 64 * 1024) * 1024L * 1024L;
}

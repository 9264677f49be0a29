namespace Portal.Sip.Limits;

/// <summary><c>Sip:Overload</c>: when new calls are shed with 503 (see <see cref="OverloadGuard"/>).</summary>
public sealed class OverloadOptions
{
    /// <summary>How long work may wait in the thread pool before new calls are shed. 0 turns the measurement off.</summary>
    public int MaxDelayMilliseconds { get; set; } = 200;

    /// <summary>New calls admitted per second at most, on top of the measurement. 0: no fixed ceiling.</summary>
    public int MaxNewCallsPerSecond { get; set; }

    /// <summary>The <c>Retry-After</c> of a shed call, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 5;
}

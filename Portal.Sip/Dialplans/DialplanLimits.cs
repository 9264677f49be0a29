namespace Portal.Sip.Dialplans;

/// <summary>The bounds a dialplan and its dial strings must keep, so one user's rules cannot tie up the service.</summary>
internal static class DialplanLimits
{
    /// <summary>Largest source accepted, in UTF-8 bytes.</summary>
    public const int MaxSourceBytes = 64 * 1024;

    public const int MaxRules = 1000;

    /// <summary>The default evaluation budget (<c>Sip:DialplanRunTimeMilliseconds</c>).</summary>
    public static readonly TimeSpan DefaultRunTime = TimeSpan.FromMilliseconds(100);

    public const int MaxDialStringLength = 2048;

    /// <summary>Most legs in one dial string, across all its groups.</summary>
    public const int MaxLegs = 32;

    public const int MaxRingSeconds = 600;

    public const int MaxCallSeconds = 86_400;

    public const int MaxDelaySeconds = 600;

    public const int MaxDisplayNameLength = 64;

    /// <summary>Longest reason phrase sent in a status line; longer interpolated phrases are cut.</summary>
    public const int MaxReasonLength = 128;

    /// <summary>Longest <c>sys.Log</c> line; longer interpolated text is cut.</summary>
    public const int MaxLogLength = 1024;
}

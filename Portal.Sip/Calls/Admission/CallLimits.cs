namespace Portal.Sip.Calls.Admission;

/// <summary>The limits of DESIGN §5 "Limits" and §10, as the call manager applies them.</summary>
/// <param name="MaxConcurrentCallsPerOwner">Calls one owner may have at once; the next gets 486 Busy Here.</param>
/// <param name="DefaultRingTime">How long a destination rings when neither <c>rt</c> nor the dial's ring seconds say.</param>
/// <param name="DefaultMaxCallDuration">The longest a call lasts from its first answer when neither <c>cd</c> nor the dial's max seconds say.</param>
/// <param name="DialplanRunTime">The budget of one dialplan evaluation; past it the evaluation stops and the caller gets 500.</param>
/// <param name="MaxTransfersPerCall">Transfers one call may start; the next is refused.</param>
/// <param name="MaxCallsPerHourPerOwner">Calls an owner's configuration may start in an hour (0 unlimited), unless the owner has their own.</param>
/// <param name="MaxCallsPerDayPerOwner">Calls an owner's configuration may start in a day (0 unlimited), unless the owner has their own.</param>
public sealed record CallLimits(
    int MaxConcurrentCallsPerOwner,
    TimeSpan DefaultRingTime,
    TimeSpan DefaultMaxCallDuration,
    TimeSpan DialplanRunTime,
    int MaxTransfersPerCall = CallLimits.DefaultMaxTransfersPerCall,
    int MaxCallsPerHourPerOwner = CallLimits.DefaultMaxCallsPerHour,
    int MaxCallsPerDayPerOwner = CallLimits.DefaultMaxCallsPerDay)
{
    public const int DefaultMaxTransfersPerCall = 10;
    public const int DefaultMaxCallsPerHour = 300;
    public const int DefaultMaxCallsPerDay = 2000;

    public static CallLimits Default { get; } = new(10, TimeSpan.FromSeconds(60), TimeSpan.FromHours(4), TimeSpan.FromMilliseconds(100));
}

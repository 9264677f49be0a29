namespace Portal.Sip.Calls;

/// <summary>The limits of DESIGN §5 "Limits", as the call manager applies them.</summary>
/// <param name="MaxConcurrentCallsPerOwner">Calls one owner may have at once; the next gets 486 Busy Here.</param>
/// <param name="DefaultRingTime">How long a destination rings when neither <c>rt</c> nor the dial's ring seconds say.</param>
/// <param name="DefaultMaxCallDuration">The longest an answered call lasts when neither <c>cd</c> nor the dial's max seconds say.</param>
/// <param name="DialplanRunTime">The budget of one dialplan evaluation; past it the evaluation stops and the caller gets 500.</param>
public sealed record CallLimits(int MaxConcurrentCallsPerOwner, TimeSpan DefaultRingTime, TimeSpan DefaultMaxCallDuration, TimeSpan DialplanRunTime)
{
    public static CallLimits Default { get; } = new(10, TimeSpan.FromSeconds(60), TimeSpan.FromHours(4), TimeSpan.FromMilliseconds(100));
}

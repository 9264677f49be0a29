namespace Portal.Sip.Dialplans;

/// <summary>
/// <c>sys.Dial(dialString[, ringSeconds[, maxCallSeconds]])</c>: ring <paramref name="Dial"/>; an answer ends the
/// dialplan, a failure moves on to the next step.
/// </summary>
/// <param name="Dial">The parsed dial string.</param>
/// <param name="RingSeconds">How long to ring before giving up; null for the service default. A leg's <c>rt</c> option overrides it.</param>
/// <param name="MaxCallSeconds">The longest the call may last once answered; null for the service default. A leg's <c>cd</c> option overrides it.</param>
/// <param name="RawText">The dial string as interpolated, for logs and the Test panel.</param>
public sealed record DialStep(DialString Dial, int? RingSeconds, int? MaxCallSeconds, string RawText) : DialplanStep;

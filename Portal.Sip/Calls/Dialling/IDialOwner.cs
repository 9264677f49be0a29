using Portal.Sip.Messages;

namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// Who a dial places legs for, and what happens to their progress: the call's setup (provisional responses relay
/// to the caller, the first answer is connected to it) or a blind transfer (the caller stays where it is until
/// the new party answers, then is bridged to it).
/// </summary>
internal interface IDialOwner
{
    Call Call { get; }

    /// <summary>Adds a leg to the call for <paramref name="target"/>, not yet started.</summary>
    CalleeLeg AddLeg(DialTarget target, TimeSpan ringTime, TimeSpan maxDuration);

    /// <summary>A leg's INVITE has just been sent.</summary>
    void OnLegStarted(CalleeLeg leg);

    /// <summary>A leg's 180/183.</summary>
    Task OnProvisionalAsync(CalleeLeg leg, SipResponse response);

    /// <summary>The leg that answered first; false when the answer came too late and the leg was hung up.</summary>
    Task<bool> ConnectAsync(CalleeLeg leg, SipResponse answer);
}

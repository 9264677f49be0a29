namespace Portal.Sip.Calls;

/// <summary>Where a call is in its life.</summary>
public enum CallState
{
    /// <summary>The INVITE arrived; the dialplan runs or destinations are being tried.</summary>
    Trying,

    /// <summary>A destination rings (a 180 or 183 reached the caller).</summary>
    Ringing,

    /// <summary>A destination answered and the caller was sent the 200.</summary>
    Answered,

    /// <summary>Over: hung up, failed or cancelled.</summary>
    Ended,
}

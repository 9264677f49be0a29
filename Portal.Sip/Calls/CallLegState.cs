namespace Portal.Sip.Calls;

/// <summary>Where one leg of a call is.</summary>
public enum CallLegState
{
    /// <summary>Waiting for its delay (<c>dt</c>), or its INVITE is out with no provisional answer yet.</summary>
    Trying,

    /// <summary>A 180 or 183 arrived.</summary>
    Ringing,

    /// <summary>The dialog is confirmed: the leg is in the call.</summary>
    Answered,

    /// <summary>Refused, timed out or cancelled before answering; see the leg's status.</summary>
    Failed,

    /// <summary>Answered, then hung up.</summary>
    Ended,
}

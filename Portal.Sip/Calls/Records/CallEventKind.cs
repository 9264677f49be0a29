namespace Portal.Sip.Calls.Records;

/// <summary>What happened to a call.</summary>
public enum CallEventKind
{
    Started,

    /// <summary>The first 180 or 183 reached the caller.</summary>
    Ringing,

    Answered,

    /// <summary>A leg was added or changed state (a destination started ringing or failed).</summary>
    LegChanged,

    /// <summary>A transfer of the call started, rang, or has its outcome (see <see cref="CallSnapshot.Transfer"/>).</summary>
    TransferChanged,

    /// <summary>The call is over; <see cref="CallEvent.Reason"/> says why.</summary>
    Ended,
}

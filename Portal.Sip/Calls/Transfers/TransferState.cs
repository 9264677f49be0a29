namespace Portal.Sip.Calls.Transfers;

/// <summary>Where a blind transfer is (DESIGN §2 steps 4–5).</summary>
public enum TransferState
{
    /// <summary>The <c>transfer</c> dialplan runs, or the new destination has been dialled with no answer yet.</summary>
    Pending,

    /// <summary>The new destination rings (a 180 or 183 arrived).</summary>
    Ringing,

    /// <summary>The new party answered: the replaced leg got a BYE and the remaining party talks to the new one.</summary>
    Answered,

    /// <summary>The new destination could not be reached; the call goes on as it was (see the status).</summary>
    Failed,
}

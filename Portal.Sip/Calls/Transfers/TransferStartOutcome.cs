namespace Portal.Sip.Calls.Transfers;

/// <summary>What came of asking for a blind transfer (DESIGN §7 maps each to an HTTP status).</summary>
public enum TransferStartOutcome
{
    /// <summary>The transfer runs; its outcome comes later.</summary>
    Started,

    /// <summary>The destination is not the user part of a SIP URI of at most 64 characters of <c>[A-Za-z0-9+*#._-]</c>.</summary>
    InvalidDestination,

    /// <summary>No leg of the owner's calls in progress has that Call-ID or user part.</summary>
    NotFound,

    /// <summary>Legs of more than one call match.</summary>
    Ambiguous,

    /// <summary>The call is not answered yet (or is ending).</summary>
    NotAnswered,

    /// <summary>Another transfer of the call is still pending.</summary>
    AlreadyTransferring,

    /// <summary>The owner has no usable dialplan named <c>transfer</c>.</summary>
    NoTransferDialplan,

    /// <summary>The call has had as many transfers as one call may (<c>Sip:MaxTransfersPerCall</c>).</summary>
    TooManyTransfers,
}

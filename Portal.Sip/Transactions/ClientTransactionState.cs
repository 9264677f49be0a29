namespace Portal.Sip.Transactions;

/// <summary>
/// The states of the client transactions: INVITE (RFC 3261 §17.1.1 Figure 5, with the Accepted state of RFC 6026
/// §7.2) uses Calling, Proceeding, Completed, Accepted and Terminated; non-INVITE (§17.1.2 Figure 6) uses Trying,
/// Proceeding, Completed and Terminated.
/// </summary>
public enum ClientTransactionState
{
    Calling,
    Trying,
    Proceeding,
    Completed,
    Accepted,
    Terminated,
}

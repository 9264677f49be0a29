namespace Portal.Sip.Transactions;

/// <summary>
/// The states of the server transactions: INVITE (RFC 3261 §17.2.1 Figure 7, with the Accepted state of RFC 6026
/// §7.1) uses Proceeding, Completed, Confirmed, Accepted and Terminated; non-INVITE (§17.2.2 Figure 8) uses
/// Trying, Proceeding, Completed and Terminated.
/// </summary>
public enum ServerTransactionState
{
    Trying,
    Proceeding,
    Completed,
    Confirmed,
    Accepted,
    Terminated,
}

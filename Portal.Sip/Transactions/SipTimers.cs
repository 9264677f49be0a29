namespace Portal.Sip.Transactions;

/// <summary>
/// The transaction timers (RFC 3261 §17, Table 4 of Appendix A): T1 (round-trip estimate, 500 ms), T2 (the cap
/// on non-INVITE and response retransmission intervals, 4 s) and T4 (how long the network may hold a message,
/// 5 s), and the timers derived from them. Timers A, E and G run over UDP only; D, I, J and K are zero over TCP.
/// </summary>
public sealed record SipTimers(TimeSpan T1, TimeSpan T2, TimeSpan T4)
{
    /// <summary>The RFC's values: T1 500 ms, T2 4 s, T4 5 s.</summary>
    public SipTimers()
        : this(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5))
    {
    }

    public static SipTimers Default { get; } = new();

    /// <summary>Timer D: how long an INVITE client transaction absorbs final-response retransmissions over UDP (§17.1.1.2: at least 32 s).</summary>
    public TimeSpan TimerD { get; init; } = TimeSpan.FromSeconds(32);

    /// <summary>
    /// How long an INVITE server transaction waits for the TU's first response before sending 100 Trying itself
    /// (§17.2.1: "if the TU will not generate a provisional response within 200 ms").
    /// </summary>
    public TimeSpan TryingDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>64*T1: timers B, F, H and J (UDP), and L and M of RFC 6026.</summary>
    public TimeSpan TransactionTimeout => T1 * 64;

    /// <summary>Timer A: the first INVITE retransmission interval, doubling each time (§17.1.1.2).</summary>
    public TimeSpan TimerA => T1;

    /// <summary>Timer B: INVITE client transaction timeout (§17.1.1.2).</summary>
    public TimeSpan TimerB => TransactionTimeout;

    /// <summary>Timer E: the first non-INVITE retransmission interval, doubling up to T2 (§17.1.2.2).</summary>
    public TimeSpan TimerE => T1;

    /// <summary>Timer F: non-INVITE client transaction timeout (§17.1.2.2).</summary>
    public TimeSpan TimerF => TransactionTimeout;

    /// <summary>Timer G: the first interval of a non-2xx final response retransmission, doubling up to T2 (§17.2.1).</summary>
    public TimeSpan TimerG => T1;

    /// <summary>Timer H: how long an INVITE server transaction waits for the ACK of a non-2xx final (§17.2.1).</summary>
    public TimeSpan TimerH => TransactionTimeout;

    /// <summary>Timer I: how long the Confirmed state absorbs ACK retransmissions over UDP (§17.2.1).</summary>
    public TimeSpan TimerI => T4;

    /// <summary>Timer J: how long a non-INVITE server transaction answers retransmissions over UDP (§17.2.2).</summary>
    public TimeSpan TimerJ => TransactionTimeout;

    /// <summary>Timer K: how long a non-INVITE client transaction absorbs response retransmissions over UDP (§17.1.2.2).</summary>
    public TimeSpan TimerK => T4;

    /// <summary>Timer L (RFC 6026 §7.1): how long an INVITE server transaction stays Accepted after a 2xx.</summary>
    public TimeSpan TimerL => TransactionTimeout;

    /// <summary>Timer M (RFC 6026 §7.2): how long an INVITE client transaction stays Accepted after a 2xx.</summary>
    public TimeSpan TimerM => TransactionTimeout;
}

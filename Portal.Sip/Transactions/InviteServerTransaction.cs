using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Transactions;

/// <summary>
/// The INVITE server transaction (RFC 3261 §17.2.1, Figure 7), with RFC 6026's Accepted state: a 2xx moves it
/// to Accepted, where retransmitted INVITEs are absorbed, further 2xx from the TU (its own retransmissions,
/// §13.3.1.4) are sent, and ACKs go to the TU, until timer L. A 300–699 moves it to Completed, where it is
/// retransmitted on timer G (UDP) until the ACK (Confirmed, then timer I) or timer H. It sends 100 Trying itself
/// when the TU has not answered within 200 ms. When a CANCEL has been signalled and the TU still has not
/// answered 64*T1 later, the transaction answers 487 itself, so it cannot stay in the table for ever.
/// </summary>
public sealed class InviteServerTransaction : ServerTransaction
{
    private readonly CancellationTokenSource _cancelled = new();
    private readonly TransactionTimer _trying;
    private readonly TransactionTimer _timerG;
    private readonly TransactionTimer _timerH;
    private readonly TransactionTimer _timerI;
    private readonly TransactionTimer _timerL;
    private readonly TransactionTimer _cancelGuard;

    internal InviteServerTransaction(SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipEndPoint local)
        : base(layer, key, request, remote, local)
    {
        State = ServerTransactionState.Proceeding;
        Cancelled = _cancelled.Token;
        _trying = NewTimer(OnTryingTimer);
        _timerG = NewTimer(OnTimerG);
        _timerH = NewTimer(OnTimerH);
        _timerI = NewTimer(() => OnEndTimer(ServerTransactionState.Confirmed, "I"));
        _timerL = NewTimer(() => OnEndTimer(ServerTransactionState.Accepted, "L"));
        _cancelGuard = NewTimer(OnCancelGuard);
    }

    /// <summary>
    /// Fires when a CANCEL for this INVITE arrives before a final response was sent (§9.2); the layer has
    /// already answered the CANCEL with 200, and the TU should now answer the INVITE with 487 Request Terminated.
    /// </summary>
    public CancellationToken Cancelled { get; }

    public override async ValueTask SendResponseAsync(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        bool send;
        lock (Gate)
        {
            send = State switch
            {
                ServerTransactionState.Proceeding => Respond(response),
                ServerTransactionState.Accepted => response.IsSuccess,

                // The TU retransmits its 2xx for 64*T1 (§13.3.1.4), which may outlast timer L by a moment.
                ServerTransactionState.Terminated => response.IsSuccess && LastResponse is { IsSuccess: true },
                _ => false,
            };
        }

        if (send)
        {
            await TransmitAsync(response);
        }
        else
        {
            Discarded(response);
        }
    }

    internal override void Start()
    {
        if (Timers.TryingDelay > TimeSpan.Zero)
        {
            lock (Gate)
            {
                _trying.Start(Timers.TryingDelay);
            }
        }
    }

    internal override ValueTask OnRetransmissionAsync()
    {
        SipResponse? resend;
        lock (Gate)
        {
            // §17.2.1: Proceeding resends the latest provisional, Completed the final; Confirmed and Accepted absorb.
            resend = State is ServerTransactionState.Proceeding or ServerTransactionState.Completed ? LastResponse : null;
        }

        return resend is null ? ValueTask.CompletedTask : TransmitAsync(resend);
    }

    /// <summary>
    /// An ACK matched this transaction. Returns true when it is absorbed here (the ACK of a non-2xx final,
    /// §17.2.1), false when it is for the TU (Accepted, RFC 6026 §7.1) or does not carry the To tag of the final
    /// response (RFC 2543 matching, §17.2.3).
    /// </summary>
    internal bool OnAck(SipRequest ack)
    {
        lock (Gate)
        {
            if (Key.IsRfc2543 && LastResponse?.To?.Tag is { } tag && ack.To?.Tag != tag)
            {
                return false;
            }

            switch (State)
            {
                case ServerTransactionState.Completed:
                    State = ServerTransactionState.Confirmed;
                    _timerG.Stop();
                    _timerH.Stop();
                    if (IsReliable)
                    {
                        Terminate();
                    }
                    else
                    {
                        _timerI.Start(Timers.TimerI);
                    }

                    return true;
                case ServerTransactionState.Proceeding or ServerTransactionState.Confirmed:
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// A CANCEL matched this INVITE (§9.2): signals <see cref="Cancelled"/> when no final response has been sent.
    /// Returns whether it did.
    /// </summary>
    internal bool Cancel()
    {
        lock (Gate)
        {
            if (State != ServerTransactionState.Proceeding)
            {
                return false;
            }

            _cancelGuard.Start(Timers.TransactionTimeout);
        }

        try
        {
            _cancelled.Cancel();
        }
        catch (AggregateException e)
        {
            TransactionLog.HandlerFailed(Layer.Logger, "a cancelled INVITE", e);
        }

        return true;
    }

    /// <summary>A response from the TU in Proceeding: the state change of Figure 7, under the gate.</summary>
    private bool Respond(SipResponse response)
    {
        _trying.Stop();
        _cancelGuard.Stop();
        LastResponse = response;
        if (response.IsProvisional)
        {
            return true;
        }

        if (response.IsSuccess)
        {
            State = ServerTransactionState.Accepted;
            _timerL.Start(Timers.TimerL);
            return true;
        }

        State = ServerTransactionState.Completed;
        if (!IsReliable)
        {
            _timerG.Start(Timers.TimerG);
        }

        _timerH.Start(Timers.TimerH);

        // Refused (a challenge, most often): the request is kept only to match its ACK and retransmissions.
        Request.Compact();
        return true;
    }

    private void OnTryingTimer()
    {
        SipResponse trying;
        lock (Gate)
        {
            if (State != ServerTransactionState.Proceeding || LastResponse is not null)
            {
                return;
            }

            trying = Request.CreateResponse(SipStatusCodes.Trying);
            LastResponse = trying;
        }

        Retransmit(trying);
    }

    private void OnCancelGuard()
    {
        SipResponse terminated;
        lock (Gate)
        {
            if (State != ServerTransactionState.Proceeding)
            {
                return;
            }

            TransactionLog.Unanswered(Layer.Logger, Request.Method.Name, Key.Branch);
            terminated = Request.CreateResponse(SipStatusCodes.RequestTerminated, null, LastResponse?.To?.Tag ?? LocalTag.New());
            Respond(terminated);
        }

        Retransmit(terminated);
    }

    private void OnTimerG()
    {
        SipResponse final;
        lock (Gate)
        {
            if (State != ServerTransactionState.Completed || LastResponse is null)
            {
                return;
            }

            final = LastResponse;
            TimeSpan next = _timerG.Interval * 2;
            _timerG.Start(next < Timers.T2 ? next : Timers.T2);
        }

        Layer.Metrics.RetransmissionSent();
        Retransmit(final);
    }

    /// <summary>§17.2.1: no ACK for a failure response within 64*T1; the peer never heard it (or its ACKs are lost).</summary>
    private void OnTimerH()
    {
        lock (Gate)
        {
            if (State == ServerTransactionState.Completed)
            {
                Layer.Metrics.TransactionTimedOut("H");
                TimedOut("H");
            }
        }
    }

    private void OnEndTimer(ServerTransactionState expected, string timer)
    {
        lock (Gate)
        {
            if (State == expected)
            {
                TimedOut(timer);
            }
        }
    }
}

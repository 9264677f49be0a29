using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Transactions;

/// <summary>
/// The INVITE client transaction (RFC 3261 §17.1.1, Figure 5), with RFC 6026's Accepted state. Calling
/// retransmits on timer A (UDP; T1, doubling) until a response or timer B (64*T1, a 408). A 300–699 is ACKed
/// here (§17.1.1.3) and its retransmissions ACKed again until timer D. A 2xx completes the transaction and moves
/// it to Accepted until timer M: the TU ACKs a 2xx itself, and later 2xx (retransmissions, other forks) reach it
/// through <see cref="ISipRequestHandler.OnStrayResponseAsync"/>.
/// </summary>
public sealed class InviteClientTransaction : ClientTransaction
{
    private readonly TransactionTimer _timerA;
    private readonly TransactionTimer _timerB;
    private readonly TransactionTimer _timerD;
    private readonly TransactionTimer _timerM;
    private readonly TransactionTimer _cancelGuard;
    private SipRequest? _ack;
    private bool _cancelRequested;
    private bool _cancelSent;

    internal InviteClientTransaction(SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint destination)
        : base(layer, key, request, destination)
    {
        State = ClientTransactionState.Calling;
        _timerA = NewTimer(OnTimerA);
        _timerB = NewTimer(OnTimerB);
        _timerD = NewTimer(() => OnEndTimer(ClientTransactionState.Completed, "D"));
        _timerM = NewTimer(() => OnEndTimer(ClientTransactionState.Accepted, "M"));
        _cancelGuard = NewTimer(OnCancelGuard);
    }

    /// <summary>The CANCEL's own client transaction, once the CANCEL has been sent.</summary>
    public ClientTransaction? CancelTransaction { get; private set; }

    /// <summary>
    /// Cancels the INVITE (§9.1): sends a CANCEL built by <see cref="SipRequest.CreateCancel"/> once a
    /// provisional response has arrived (at once if one has). Nothing is sent when a final response has
    /// arrived. When no final response follows the CANCEL within 64*T1 the transaction ends with a synthesized
    /// 487 Request Terminated.
    /// </summary>
    public ValueTask CancelAsync()
    {
        bool sendNow;
        lock (Gate)
        {
            if (_cancelRequested)
            {
                return ValueTask.CompletedTask;
            }

            _cancelRequested = true;
            sendNow = State == ClientTransactionState.Proceeding;
        }

        if (sendNow)
        {
            SendCancel();
        }

        return ValueTask.CompletedTask;
    }

    internal override void Start()
    {
        lock (Gate)
        {
            if (!IsReliable)
            {
                _timerA.Start(Timers.TimerA);
            }

            _timerB.Start(Timers.TimerB);
        }

        _ = TransmitAsync(Request);
    }

    internal override async ValueTask<bool> OnResponseAsync(SipResponse response)
    {
        SipRequest? ack = null;
        bool provisional = false;
        bool cancelNow = false;
        bool stray = false;
        lock (Gate)
        {
            switch (State)
            {
                case ClientTransactionState.Calling or ClientTransactionState.Proceeding when response.IsProvisional:
                    cancelNow = _cancelRequested && State == ClientTransactionState.Calling;
                    State = ClientTransactionState.Proceeding;
                    _timerA.Stop();
                    _timerB.Stop();
                    provisional = true;
                    break;
                case ClientTransactionState.Calling or ClientTransactionState.Proceeding when response.IsSuccess:
                    State = ClientTransactionState.Accepted;
                    StopRunningTimers();
                    _timerM.Start(Timers.TimerM);
                    Complete(response);
                    break;
                case ClientTransactionState.Calling or ClientTransactionState.Proceeding:
                    State = ClientTransactionState.Completed;
                    StopRunningTimers();
                    ack = _ack = Request.CreateAckFor(response);
                    if (IsReliable)
                    {
                        Terminate();
                    }
                    else
                    {
                        _timerD.Start(Timers.TimerD);
                    }

                    Complete(response);
                    break;
                case ClientTransactionState.Completed when response.IsFinal && !response.IsSuccess:
                    ack = _ack;
                    break;
                default:
                    stray = response.IsSuccess;
                    break;
            }
        }

        if (provisional)
        {
            RaiseProvisional(response);
        }

        if (cancelNow)
        {
            SendCancel();
        }

        if (ack is not null)
        {
            await TransmitAsync(ack);
        }

        return stray;
    }

    private protected override void OnTransportError()
    {
        lock (Gate)
        {
            if (State is ClientTransactionState.Calling or ClientTransactionState.Proceeding)
            {
                CompleteSynthesized(SipStatusCodes.ServiceUnavailable);
            }

            Terminate();
        }
    }

    private void SendCancel()
    {
        lock (Gate)
        {
            if (_cancelSent || State != ClientTransactionState.Proceeding)
            {
                return;
            }

            _cancelSent = true;
            _cancelGuard.Start(Timers.TransactionTimeout);
        }

        // The CANCEL is a transaction of its own with the INVITE's branch (§9.1); it is sent outside the gate.
        ClientTransaction cancel = Layer.SendRequest(Request.CreateCancel(), Destination);
        lock (Gate)
        {
            CancelTransaction = cancel;
        }
    }

    private void StopRunningTimers()
    {
        _timerA.Stop();
        _timerB.Stop();
        _cancelGuard.Stop();
    }

    private void OnTimerA()
    {
        lock (Gate)
        {
            if (State != ClientTransactionState.Calling)
            {
                return;
            }

            // §17.1.1.2: A doubles each time, with no cap; B ends it.
            _timerA.Start(_timerA.Interval * 2);
        }

        Layer.Metrics.RetransmissionSent();
        Retransmit(Request);
    }

    private void OnTimerB()
    {
        lock (Gate)
        {
            if (State != ClientTransactionState.Calling)
            {
                return;
            }

            CompleteSynthesized(SipStatusCodes.RequestTimeout);
            Layer.Metrics.TransactionTimedOut("B");
            TimedOut("B");
        }
    }

    /// <summary>§9.1: no final response within 64*T1 of the CANCEL; the INVITE is taken as cancelled.</summary>
    private void OnCancelGuard()
    {
        lock (Gate)
        {
            if (State != ClientTransactionState.Proceeding)
            {
                return;
            }

            CompleteSynthesized(SipStatusCodes.RequestTerminated);
            TimedOut("CANCEL guard (§9.1)");
        }
    }

    private void OnEndTimer(ClientTransactionState expected, string timer)
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

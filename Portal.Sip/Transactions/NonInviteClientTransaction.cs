using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Transactions;

/// <summary>
/// The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6): Trying retransmits on timer E (UDP; T1,
/// doubling up to T2), Proceeding every T2, until a final response or timer F (64*T1, a 408). Completed absorbs
/// response retransmissions until timer K (T4 over UDP, at once over TCP).
/// </summary>
public sealed class NonInviteClientTransaction : ClientTransaction
{
    private readonly TransactionTimer _timerE;
    private readonly TransactionTimer _timerF;
    private readonly TransactionTimer _timerK;

    internal NonInviteClientTransaction(SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint destination)
        : base(layer, key, request, destination)
    {
        State = ClientTransactionState.Trying;
        _timerE = NewTimer(OnTimerE);
        _timerF = NewTimer(OnTimerF);
        _timerK = NewTimer(OnTimerK);
    }

    internal override void Start()
    {
        lock (Gate)
        {
            if (!IsReliable)
            {
                _timerE.Start(Timers.TimerE);
            }

            _timerF.Start(Timers.TimerF);
        }

        _ = TransmitAsync(Request);
    }

    internal override ValueTask<bool> OnResponseAsync(SipResponse response)
    {
        bool provisional = false;
        lock (Gate)
        {
            if (State is not (ClientTransactionState.Trying or ClientTransactionState.Proceeding))
            {
                // Completed absorbs retransmitted responses (§17.1.2.2).
                return ValueTask.FromResult(false);
            }

            if (response.IsProvisional)
            {
                State = ClientTransactionState.Proceeding;
                provisional = true;
            }
            else
            {
                State = ClientTransactionState.Completed;
                _timerE.Stop();
                _timerF.Stop();
                if (IsReliable)
                {
                    Terminate();
                }
                else
                {
                    _timerK.Start(Timers.TimerK);
                }

                Complete(response);
            }
        }

        if (provisional)
        {
            RaiseProvisional(response);
        }

        return ValueTask.FromResult(false);
    }

    private protected override void OnTransportError()
    {
        lock (Gate)
        {
            if (State is ClientTransactionState.Trying or ClientTransactionState.Proceeding)
            {
                CompleteSynthesized(SipStatusCodes.ServiceUnavailable);
            }

            Terminate();
        }
    }

    private void OnTimerE()
    {
        lock (Gate)
        {
            // §17.1.2.2: in Trying E doubles up to T2; in Proceeding it is reset to T2.
            TimeSpan? next = State switch
            {
                ClientTransactionState.Trying => _timerE.Interval * 2 < Timers.T2 ? _timerE.Interval * 2 : Timers.T2,
                ClientTransactionState.Proceeding => Timers.T2,
                _ => null,
            };
            if (next is not { } interval)
            {
                return;
            }

            _timerE.Start(interval);
        }

        Layer.Metrics.RetransmissionSent();
        Retransmit(Request);
    }

    private void OnTimerF()
    {
        lock (Gate)
        {
            if (State is ClientTransactionState.Trying or ClientTransactionState.Proceeding)
            {
                CompleteSynthesized(SipStatusCodes.RequestTimeout);
                Layer.Metrics.TransactionTimedOut("F");
                TimedOut("F");
            }
        }
    }

    private void OnTimerK()
    {
        lock (Gate)
        {
            if (State == ClientTransactionState.Completed)
            {
                TimedOut("K");
            }
        }
    }
}

using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Transactions;

/// <summary>
/// The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8): Trying until the TU's first response,
/// Proceeding while it sends provisionals, Completed once it sends a final one, answering retransmitted requests
/// with the last response until timer J (64*T1 over UDP, at once over TCP). A TU that sends no final response
/// within 64*T1 (when the client's timer F has long fired) loses the transaction, so the table cannot leak.
/// </summary>
public sealed class NonInviteServerTransaction : ServerTransaction
{
    private readonly TransactionTimer _timerJ;
    private readonly TransactionTimer _unanswered;

    internal NonInviteServerTransaction(SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipEndPoint local)
        : base(layer, key, request, remote, local)
    {
        State = ServerTransactionState.Trying;
        _timerJ = NewTimer(OnTimerJ);
        _unanswered = NewTimer(OnUnanswered);
    }

    public override async ValueTask SendResponseAsync(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        bool send;
        lock (Gate)
        {
            send = State switch
            {
                ServerTransactionState.Trying or ServerTransactionState.Proceeding => Respond(response),
                _ => false,
            };
        }

        if (!send)
        {
            Discarded(response);
            return;
        }

        await TransmitAsync(response);
        if (response.IsFinal && IsReliable)
        {
            lock (Gate)
            {
                Terminate();
            }
        }
    }

    internal override void Start()
    {
        lock (Gate)
        {
            _unanswered.Start(Timers.TransactionTimeout);
        }
    }

    internal override ValueTask OnRetransmissionAsync()
    {
        SipResponse? resend;
        lock (Gate)
        {
            // §17.2.2: Trying absorbs; Proceeding resends the last provisional, Completed the final.
            resend = State is ServerTransactionState.Proceeding or ServerTransactionState.Completed ? LastResponse : null;
        }

        return resend is null ? ValueTask.CompletedTask : TransmitAsync(resend);
    }

    private bool Respond(SipResponse response)
    {
        LastResponse = response;
        if (response.IsProvisional)
        {
            State = ServerTransactionState.Proceeding;
            return true;
        }

        State = ServerTransactionState.Completed;
        _unanswered.Stop();
        if (!IsReliable)
        {
            _timerJ.Start(Timers.TimerJ);

            // Answered: for 64*T1 the request only has to be matched by its retransmissions (§17.2.2).
            Request.Compact();
        }

        return true;
    }

    private void OnTimerJ()
    {
        lock (Gate)
        {
            if (State == ServerTransactionState.Completed)
            {
                TimedOut("J");
            }
        }
    }

    private void OnUnanswered()
    {
        lock (Gate)
        {
            if (State is ServerTransactionState.Trying or ServerTransactionState.Proceeding)
            {
                TransactionLog.Unanswered(Layer.Logger, Request.Method.Name, Key.Branch);
                Terminate();
            }
        }
    }
}

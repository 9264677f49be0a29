using Portal.Sip.Messages;
using Portal.Sip.Transactions;

namespace Portal.Sip.Calls;

/// <summary>
/// A 2xx to an INVITE, sent by the TU and retransmitted by it until the ACK arrives (RFC 3261 §13.3.1.4): over UDP
/// at T1, doubling up to T2; when no ACK has come after 64*T1 the session is to be ended, which
/// <c>onNoAck</c> does. The transaction layer passes each copy (RFC 6026 Accepted state). Both timers run on the
/// layer's <see cref="TransactionTimerQueue"/>, like the transaction's own.
/// </summary>
internal sealed class AnswerRetransmission : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ServerTransaction _transaction;
    private readonly SipResponse _answer;
    private readonly SipTimers _timers;
    private readonly Action _onNoAck;
    private readonly TransactionTimer _resend;
    private readonly TransactionTimer _giveUp;
    private TimeSpan _interval;
    private bool _done;

    public AnswerRetransmission(ServerTransaction transaction, SipResponse answer, SipTransactionLayer layer, Action onNoAck)
    {
        _transaction = transaction;
        _answer = answer;
        _timers = layer.Timers;
        _onNoAck = onNoAck;
        Sequence = transaction.Request.CSeq?.Number ?? 0;
        _interval = _timers.T1;
        _resend = new TransactionTimer(layer.TimerQueue, OnResend);
        _giveUp = new TransactionTimer(layer.TimerQueue, OnGiveUp);
    }

    /// <summary>The CSeq number of the INVITE; its ACK carries the same (§13.2.2.4).</summary>
    public uint Sequence { get; }

    public bool IsAcknowledged
    {
        get
        {
            lock (_gate)
            {
                return _done;
            }
        }
    }

    /// <summary>Sends the 2xx and starts the timers.</summary>
    public async ValueTask StartAsync()
    {
        lock (_gate)
        {
            if (!_transaction.IsReliable)
            {
                _resend.Start(_interval);
            }

            _giveUp.Start(_timers.TransactionTimeout);
        }

        await _transaction.SendResponseAsync(_answer);
    }

    /// <summary>The ACK arrived: stop. Returns false when it already had (a retransmitted ACK).</summary>
    public bool Acknowledge()
    {
        lock (_gate)
        {
            if (_done)
            {
                return false;
            }

            _done = true;
        }

        Dispose();
        return true;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _done = true;
        }

        _resend.Dispose();
        _giveUp.Dispose();
    }

    private void OnResend()
    {
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _interval = _interval * 2 < _timers.T2 ? _interval * 2 : _timers.T2;
            _resend.Start(_interval);
        }

        _ = _transaction.SendResponseAsync(_answer).AsTask();
    }

    private void OnGiveUp()
    {
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
        }

        _resend.Dispose();
        _onNoAck();
    }
}

using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Transactions;

/// <summary>
/// A server transaction (RFC 3261 §17.2): the request that created it, where it came from, and the state machine
/// that sends the TU's responses, answers retransmitted requests with the last response and ends on its timers.
/// When Terminated it has left the layer's tables. Thread-safe: the TU, the receive path and the timers may act
/// on it at once.
/// </summary>
public abstract class ServerTransaction
{
    private readonly List<TransactionTimer> _timers = [];

    private protected ServerTransaction(SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipEndPoint local)
    {
        Layer = layer;
        Key = key;
        Request = request;
        Remote = remote;
        Local = local;
    }

    /// <summary>The request that created the transaction.</summary>
    public SipRequest Request { get; }

    /// <summary>Where the request came from; responses go back over this transport (§18.2.2).</summary>
    public SipEndPoint Remote { get; }

    /// <summary>The local end point the request arrived on.</summary>
    public SipEndPoint Local { get; }

    public TransactionKey Key { get; }

    public ServerTransactionState State { get; private protected set; }

    /// <summary>The last response sent, provisional or final.</summary>
    public SipResponse? LastResponse { get; private protected set; }

    /// <summary>True over TCP: no response retransmissions, and timers I and J are zero (§17.2.1, §17.2.2).</summary>
    public bool IsReliable => Remote.IsReliable;

    private protected SipTransactionLayer Layer { get; }

    private protected SipTimers Timers => Layer.Timers;

    private protected Lock Gate { get; } = new();

    /// <summary>
    /// Sends a response from the TU through the state machine (§17.2.1, §17.2.2). A response the current state
    /// does not allow (a second final response) is discarded. A transport failure ends the transaction and is
    /// logged, not thrown (§17.2.4).
    /// </summary>
    public abstract ValueTask SendResponseAsync(SipResponse response);

    /// <summary>Starts the timers that run from creation.</summary>
    internal virtual void Start()
    {
    }

    /// <summary>A retransmission of the request arrived: resend the last response, or absorb it.</summary>
    internal abstract ValueTask OnRetransmissionAsync();

    private protected TransactionTimer NewTimer(Action callback)
    {
        TransactionTimer timer = new(Layer.TimerQueue, callback);
        _timers.Add(timer);
        return timer;
    }

    /// <summary>Moves to Terminated and leaves the layer's tables; call holding <see cref="Gate"/>.</summary>
    private protected void Terminate()
    {
        if (State == ServerTransactionState.Terminated)
        {
            return;
        }

        State = ServerTransactionState.Terminated;
        foreach (TransactionTimer timer in _timers)
        {
            timer.Dispose();
        }

        Layer.Forget(this);
    }

    private protected void TimedOut(string timer)
    {
        TransactionLog.TimedOut(Layer.Logger, timer, Request.Method.Name, Key.Branch);
        Terminate();
    }

    /// <summary>Passes a response to the transport; a failure ends the transaction (§17.2.4).</summary>
    private protected async ValueTask TransmitAsync(SipResponse response)
    {
        try
        {
            await Layer.Sender.SendAsync(response, Remote);
        }
        catch (Exception e)
        {
            TransactionLog.ResponseSendFailed(Layer.Logger, response.StatusCode, Request.Method, Remote, e);
            lock (Gate)
            {
                Terminate();
            }
        }
    }

    private protected void Discarded(SipResponse response) =>
        TransactionLog.ResponseDiscarded(Layer.Logger, response.StatusCode, State, Key.Branch);

    /// <summary>Fire-and-forget for timer callbacks, which cannot await; <see cref="TransmitAsync"/> never throws.</summary>
    private protected void Retransmit(SipResponse response) => _ = TransmitAsync(response).AsTask();
}

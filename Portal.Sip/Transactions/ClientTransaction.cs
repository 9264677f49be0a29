using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Transactions;

/// <summary>
/// A client transaction (RFC 3261 §17.1), made by <see cref="SipTransactionLayer.SendRequest"/>: sends the
/// request, retransmits it over UDP, and completes <see cref="Completion"/> with the final response, a
/// synthesized 408 when timer B or F fires, or a synthesized 503 when the transport fails (§17.1.4).
/// When Terminated it has left the layer's tables. Thread-safe.
/// </summary>
public abstract class ClientTransaction
{
    private readonly TaskCompletionSource<SipResponse> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<TransactionTimer> _timers = [];

    private protected ClientTransaction(SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint destination)
    {
        Layer = layer;
        Key = key;
        Request = request;
        Destination = destination;
    }

    /// <summary>A provisional response (§17.1.1.2, §17.1.2.2), raised on the receive path: return quickly.</summary>
    public event Action<SipResponse>? ProvisionalReceived;

    public SipRequest Request { get; }

    public SipEndPoint Destination { get; }

    public TransactionKey Key { get; }

    public ClientTransactionState State { get; private protected set; }

    /// <summary>The final response: received, or a synthesized 408 (timeout) or 503 (transport failure).</summary>
    public Task<SipResponse> Completion => _completion.Task;

    /// <summary>True over TCP: no retransmissions, and timers D and K are zero (§17.1.1.2, §17.1.2.2).</summary>
    public bool IsReliable => Destination.IsReliable;

    private protected SipTransactionLayer Layer { get; }

    private protected SipTimers Timers => Layer.Timers;

    private protected Lock Gate { get; } = new();

    /// <summary>Sends the request and starts the timers.</summary>
    internal abstract void Start();

    /// <summary>
    /// A response matched this transaction (§17.1.3). Returns true when it is for the TU's stray-response handler
    /// (a 2xx in Accepted, RFC 6026 §7.2) rather than consumed here.
    /// </summary>
    internal abstract ValueTask<bool> OnResponseAsync(SipResponse response);

    /// <summary>The transport failed: Terminated, with a 503 for the TU if nothing final arrived (§17.1.4).</summary>
    private protected abstract void OnTransportError();

    private protected TransactionTimer NewTimer(Action callback)
    {
        TransactionTimer timer = new(Layer.TimerQueue, callback);
        _timers.Add(timer);
        return timer;
    }

    /// <summary>
    /// Hands the final response to the TU. No provisional can follow it, so the TU's handlers are let go: the
    /// transaction lingers for 64*T1 (timers D, M) and must not keep the call that made it alive that long.
    /// </summary>
    private protected void Complete(SipResponse final)
    {
        _completion.TrySetResult(final);
        ProvisionalReceived = null;
    }

    /// <summary>A final response made here for the TU: 408 on timeout, 503 on a transport error, 487 on a lost CANCEL.</summary>
    private protected void CompleteSynthesized(int statusCode) => Complete(Request.CreateResponse(statusCode));

    /// <summary>Moves to Terminated and leaves the layer's tables; call holding <see cref="Gate"/>.</summary>
    private protected void Terminate()
    {
        if (State == ClientTransactionState.Terminated)
        {
            return;
        }

        State = ClientTransactionState.Terminated;
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

    private protected void RaiseProvisional(SipResponse response)
    {
        try
        {
            ProvisionalReceived?.Invoke(response);
        }
        catch (Exception e)
        {
            TransactionLog.HandlerFailed(Layer.Logger, $"a {response.StatusCode} to {Request.Method}", e);
        }
    }

    /// <summary>Passes the request (or an ACK) to the transport; never throws: a failure goes to <see cref="OnTransportError"/>.</summary>
    private protected async Task TransmitAsync(SipRequest request)
    {
        try
        {
            await Layer.Sender.SendAsync(request, Destination);
        }
        catch (Exception e)
        {
            TransactionLog.RequestSendFailed(Layer.Logger, request.Method, Destination, e);
            OnTransportError();
        }
    }

    /// <summary>Fire-and-forget for timer callbacks, which cannot await.</summary>
    private protected void Retransmit(SipRequest request) => _ = TransmitAsync(request);
}

using System.Collections.Concurrent;

using Microsoft.Extensions.Logging;

using Portal.Sip.Messages;
using Portal.Sip.Telemetry;
using Portal.Sip.Transport;

namespace Portal.Sip.Transactions;

/// <summary>
/// The transaction layer (RFC 3261 §17): matches what the transport receives to client and server transactions,
/// creates server transactions for new requests and hands them to the TU, answers CANCEL (§9.2) and merged
/// requests (§8.2.2.2) itself, passes ACKs for 2xx and stray responses up, and sends the TU's requests in client
/// transactions. Transactions leave its tables when they terminate. INVITE transactions follow RFC 6026 (an
/// Accepted state after a 2xx). Every transaction timer runs on one <see cref="TransactionTimerQueue"/>, which
/// disposing the layer stops. Thread-safe.
/// </summary>
public sealed class SipTransactionLayer : IDisposable
{
    private readonly ISipRequestHandler _handler;
    private readonly ServerTransactionTable _server = new();
    private readonly ConcurrentDictionary<TransactionKey, ClientTransaction> _client = new();

    public SipTransactionLayer(ISipMessageSender sender, ISipRequestHandler handler, TimeProvider time, ILogger logger, SipTimers? timers = null,
        SipMetrics? metrics = null)
    {
        Metrics = metrics ?? SipMetrics.Unobserved;
        Sender = sender ?? throw new ArgumentNullException(nameof(sender));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        Time = time ?? throw new ArgumentNullException(nameof(time));
        Logger = logger ?? throw new ArgumentNullException(nameof(logger));
        Timers = timers ?? SipTimers.Default;
        TimerQueue = new TransactionTimerQueue(time, logger);
    }

    public SipTimers Timers { get; }

    public int ServerTransactionCount => _server.Count;

    public int ClientTransactionCount => _client.Count;

    internal int MergeIndexCount => _server.MergeIndexCount;

    internal ISipMessageSender Sender { get; }

    /// <summary>Where retransmissions and timeouts are counted.</summary>
    internal SipMetrics Metrics { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    /// <summary>Where the transactions' timers run, and the TU's per-call ones (2xx retransmission, ring time, call duration).</summary>
    internal TransactionTimerQueue TimerQueue { get; }

    /// <summary>A fresh branch for a new top Via: the magic cookie and 64 random bits (§8.1.1.7).</summary>
    public static string NewBranch() => ViaHeader.MagicCookie + LocalTag.New();

    /// <summary>
    /// Sends a request in a new client transaction (§17.1). The request must carry a top Via with a fresh
    /// <see cref="NewBranch"/> branch and a CSeq. An ACK is no transaction: send the ACK for a 2xx with
    /// <see cref="SendAckAsync"/>. <paramref name="onProvisional"/> is attached before the request leaves, so a
    /// provisional response from a fast peer cannot arrive before anyone listens for it.
    /// </summary>
    public ClientTransaction SendRequest(SipRequest request, SipEndPoint destination, Action<SipResponse>? onProvisional = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method == SipMethod.Ack)
        {
            throw new ArgumentException("An ACK is not sent in a transaction; use SendAckAsync.", nameof(request));
        }

        if (!TransactionKey.IsRfc3261Branch(request.TopVia?.Branch) || request.CallId is null
            || TransactionKey.ForClientRequest(request) is not { } key)
        {
            throw new ArgumentException("The request needs a top Via with a z9hG4bK branch, a Call-ID and a CSeq.", nameof(request));
        }

        ClientTransaction transaction = request.Method == SipMethod.Invite
            ? new InviteClientTransaction(this, key, request, destination)
            : new NonInviteClientTransaction(this, key, request, destination);
        if (!_client.TryAdd(key, transaction))
        {
            throw new InvalidOperationException($"A client transaction with branch {key.Branch} is already in progress.");
        }

        if (onProvisional is not null)
        {
            transaction.ProvisionalReceived += onProvisional;
        }

        transaction.Start();
        return transaction;
    }

    /// <summary>Sends the ACK for a 2xx (§13.2.2.4): end to end, outside any transaction.</summary>
    public ValueTask SendAckAsync(SipRequest ack, SipEndPoint destination, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(ack, destination, cancellationToken);

    /// <summary>What the transport calls for every message it accepted.</summary>
    public ValueTask ReceiveAsync(SipMessage message, SipEndPoint remote, SipEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            SipResponse response => ReceiveResponseAsync(response, remote),
            SipRequest request => ReceiveRequestAsync(request, remote, local),
            _ => ValueTask.CompletedTask,
        };
    }

    /// <summary>Stops every timer: no retransmission or timeout fires after this.</summary>
    public void Dispose() => TimerQueue.Dispose();

    internal void Forget(ServerTransaction transaction) => _server.Remove(transaction);

    internal void Forget(ClientTransaction transaction) =>
        _client.TryRemove(new KeyValuePair<TransactionKey, ClientTransaction>(transaction.Key, transaction));

    private async ValueTask ReceiveResponseAsync(SipResponse response, SipEndPoint remote)
    {
        // §17.1.3: branch and CSeq method; anything else is for the TU, which re-ACKs a stray 2xx.
        if (TransactionKey.ForResponse(response) is { } key && _client.TryGetValue(key, out ClientTransaction? transaction)
            && !await transaction.OnResponseAsync(response))
        {
            return;
        }

        Notify("a stray response", () => _handler.OnStrayResponseAsync(response, remote));
    }

    private async ValueTask ReceiveRequestAsync(SipRequest request, SipEndPoint remote, SipEndPoint local)
    {
        if (TransactionKey.ForRequest(request) is not { } key)
        {
            TransactionLog.NoKey(Logger, request.Method.Name, remote);
            return;
        }

        if (request.Method == SipMethod.Ack)
        {
            ReceiveAck(request, key, remote);
            return;
        }

        if (_server.TryGet(key, out ServerTransaction? existing))
        {
            Metrics.RetransmissionReceived();
            await existing.OnRetransmissionAsync();
            return;
        }

        if (request.Method == SipMethod.Invite && request.To?.Tag is null && _handler.RefuseStatelessly(request) is { } refusal)
        {
            await SendStatelesslyAsync(refusal, remote);
            return;
        }

        ServerTransaction? merged = _server.FindMerged(request, key);
        ServerTransaction transaction = request.Method == SipMethod.Invite
            ? new InviteServerTransaction(this, key, request, remote, local)
            : new NonInviteServerTransaction(this, key, request, remote, local);
        if (!_server.TryAdd(transaction, out existing))
        {
            await existing.OnRetransmissionAsync();
            return;
        }

        transaction.Start();
        if (request.Method == SipMethod.Cancel)
        {
            await AnswerCancelAsync(transaction);
        }
        else if (merged is not null)
        {
            TransactionLog.Merged(Logger, request.Method.Name, remote);
            await transaction.SendResponseAsync(request.CreateResponse(SipStatusCodes.LoopDetected, null, LocalTag.New()));
        }
        else
        {
            Notify(request.Method.Name, () => _handler.OnRequestAsync(transaction));
        }
    }

    /// <summary>A response sent with no transaction behind it (§8.2.7); a transport failure is logged, as a transaction's is.</summary>
    private async ValueTask SendStatelesslyAsync(SipResponse response, SipEndPoint remote)
    {
        try
        {
            await Sender.SendAsync(response, remote);
        }
        catch (Exception e)
        {
            TransactionLog.ResponseSendFailed(Logger, response.StatusCode, SipMethod.Invite, remote, e);
        }
    }

    private void ReceiveAck(SipRequest ack, TransactionKey key, SipEndPoint remote)
    {
        // An RFC 2543 INVITE without a To tag is found again without the tag its final response added (§17.2.3).
        bool absorbed = Absorbs(key, ack)
            || (key.IsRfc2543 && TransactionKey.ForAckOfInitialInvite(ack) is { } initial && initial != key && Absorbs(initial, ack));
        if (!absorbed)
        {
            Notify("an ACK", () => _handler.OnAckAsync(ack, remote));
        }
    }

    private bool Absorbs(TransactionKey key, SipRequest ack) =>
        _server.TryGet(key, out ServerTransaction? transaction) && transaction is InviteServerTransaction invite && invite.OnAck(ack);

    /// <summary>
    /// §9.2: a CANCEL matching a transaction is answered 200 here, with the To tag of the INVITE's responses
    /// when it has sent one, and the INVITE is signalled cancelled if no final response went out; a CANCEL
    /// matching nothing gets 481.
    /// </summary>
    private async ValueTask AnswerCancelAsync(ServerTransaction cancel)
    {
        SipRequest request = cancel.Request;
        ServerTransaction? target = _server.FindCancelled(request);
        if (target is null)
        {
            TransactionLog.CancelUnmatched(Logger, cancel.Remote);
            await cancel.SendResponseAsync(request.CreateResponse(SipStatusCodes.CallOrTransactionDoesNotExist, null, LocalTag.New()));
            return;
        }

        string toTag = target.LastResponse?.To?.Tag ?? LocalTag.New();
        await cancel.SendResponseAsync(request.CreateResponse(SipStatusCodes.Ok, null, toTag));
        if (target is InviteServerTransaction invite)
        {
            invite.Cancel();
        }
    }

    /// <summary>
    /// Calls the TU without making the receive path wait for it: what the handler does synchronously runs now,
    /// the rest runs on, and whatever it throws is logged.
    /// </summary>
    private void Notify(string what, Func<ValueTask> call)
    {
        ValueTask pending;
        try
        {
            pending = call();
        }
        catch (Exception e)
        {
            TransactionLog.HandlerFailed(Logger, what, e);
            return;
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            return;
        }

        _ = ObserveAsync(pending, what);
    }

    private async Task ObserveAsync(ValueTask pending, string what)
    {
        try
        {
            await pending;
        }
        catch (Exception e)
        {
            TransactionLog.HandlerFailed(Logger, what, e);
        }
    }
}

using Portal.Sip.Messages;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transactions;

/// <summary>A transaction user that records what the layer hands up and answers as the test tells it.</summary>
internal sealed class RecordingRequestHandler : ISipRequestHandler
{
    public List<ServerTransaction> Transactions { get; } = [];

    public List<SipRequest> Acks { get; } = [];

    public List<SipResponse> StrayResponses { get; } = [];

    /// <summary>Run for each new transaction, e.g. to answer it at once.</summary>
    public Func<ServerTransaction, ValueTask>? Answer { get; set; }

    public ValueTask OnRequestAsync(ServerTransaction transaction)
    {
        Transactions.Add(transaction);
        return Answer?.Invoke(transaction) ?? ValueTask.CompletedTask;
    }

    public ValueTask OnAckAsync(SipRequest ack, SipEndPoint remote)
    {
        Acks.Add(ack);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnStrayResponseAsync(SipResponse response, SipEndPoint remote)
    {
        StrayResponses.Add(response);
        return ValueTask.CompletedTask;
    }
}

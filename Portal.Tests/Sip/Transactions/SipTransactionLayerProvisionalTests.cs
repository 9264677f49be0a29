using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Portal.Sip.Messages;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;

using static Portal.Tests.Sip.Transactions.TransactionTestMessages;

namespace Portal.Tests.Sip.Transactions;

public sealed class SipTransactionLayerProvisionalTests
{
    [Fact]
    public async Task SendRequest_PeerRingsWhileTheInviteIsBeingSent_TheRingingIsNotMissed()
    {
        // A peer on the same machine can answer before SendRequest returns; the handler given to SendRequest
        // must already be listening then.
        var time = new FakeTimeProvider();
        var sender = new RingingSender();
        var layer = new SipTransactionLayer(sender, new RecordingRequestHandler(), time, NullLogger.Instance);
        sender.Layer = layer;
        var seen = new List<int>();

        var invite = Request("INVITE", branch: SipTransactionLayer.NewBranch());
        layer.SendRequest(invite, UdpPhone, r => seen.Add(r.StatusCode));
        await sender.Rang.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([180], seen);
    }

    /// <summary>Delivers a 180 for the INVITE from inside the send, as a very fast peer would.</summary>
    private sealed class RingingSender : ISipMessageSender
    {
        public SipTransactionLayer? Layer { get; set; }

        public TaskCompletionSource Rang { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask SendAsync(SipMessage message, SipEndPoint remote, CancellationToken cancellationToken = default)
        {
            if (message is SipRequest { Method.Name: "INVITE" } invite && !Rang.Task.IsCompleted)
            {
                await Layer!.ReceiveAsync(ResponseTo(invite, 180), remote, UdpLocal);
                Rang.TrySetResult();
            }
        }
    }
}

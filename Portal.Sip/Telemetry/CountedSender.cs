using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Telemetry;

/// <summary>Counts what the transaction layer hands to the transport (<see cref="SipMetrics.MessageSent"/>), then sends it.</summary>
internal sealed class CountedSender(ISipMessageSender transport, SipMetrics metrics) : ISipMessageSender
{
    public ValueTask SendAsync(SipMessage message, SipEndPoint remote, CancellationToken cancellationToken = default)
    {
        metrics.MessageSent(message);
        return transport.SendAsync(message, remote, cancellationToken);
    }
}

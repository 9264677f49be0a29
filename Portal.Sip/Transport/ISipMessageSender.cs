using Portal.Sip.Messages;

namespace Portal.Sip.Transport;

/// <summary>
/// Sends a message to a peer: the seam between the transaction layer and the sockets (RFC 3261 §18), faked in
/// tests. A failure to send (no route, connection refused) surfaces as an exception, which a client transaction
/// treats as a 503 (§17.1.4).
/// </summary>
public interface ISipMessageSender
{
    /// <summary>
    /// Sends <paramref name="message"/>. A request goes to <paramref name="remote"/>; a response goes where RFC
    /// 3261 §18.2.2 and RFC 3581 §4 say, with <paramref name="remote"/> (the request's source) choosing the
    /// transport and, for TCP, the connection it arrived on.
    /// </summary>
    ValueTask SendAsync(SipMessage message, SipEndPoint remote, CancellationToken cancellationToken = default);
}

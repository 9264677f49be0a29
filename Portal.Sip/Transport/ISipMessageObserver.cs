using Portal.Sip.Messages;

namespace Portal.Sip.Transport;

/// <summary>
/// Sees every message the transport accepts and every message it sends, with the bytes on the wire and both end
/// points (the seam for tracing). Called on the receive or send path before the message goes on: an
/// implementation must not block and should do next to nothing for messages it does not keep.
/// </summary>
public interface ISipMessageObserver
{
    /// <summary>A message was received and accepted; <paramref name="bytes"/> is only valid during the call.</summary>
    void Received(SipMessage message, ReadOnlySpan<byte> bytes, SipEndPoint remote, SipEndPoint local);

    /// <summary>A message is about to be sent from <paramref name="local"/> to <paramref name="remote"/>.</summary>
    void Sent(SipMessage message, ReadOnlySpan<byte> bytes, SipEndPoint remote, SipEndPoint local);
}

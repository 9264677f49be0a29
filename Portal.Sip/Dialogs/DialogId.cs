using Portal.Sip.Messages;

namespace Portal.Sip.Dialogs;

/// <summary>
/// A dialog's identity (RFC 3261 §12): the Call-ID and the local and remote tags, seen from this side. Compared
/// case-sensitively, as Call-IDs are (§20.8).
/// </summary>
public readonly record struct DialogId(string CallId, string LocalTag, string RemoteTag)
{
    /// <summary>
    /// The dialog an incoming request belongs to (§12.2.2): the To tag is ours, the From tag the peer's. Null when
    /// the request carries no To tag (it is outside any dialog) or lacks a Call-ID or From tag.
    /// </summary>
    public static DialogId? ForIncomingRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.CallId is { } callId && request.To?.Tag is { } local && request.From?.Tag is { } remote
            ? new DialogId(callId, local, remote)
            : null;
    }

    /// <summary>
    /// The dialog a response to one of our requests belongs to (§12.1.2): the From tag is ours, the To tag the
    /// peer's. Null when the response has no To tag yet.
    /// </summary>
    public static DialogId? ForResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.CallId is { } callId && response.From?.Tag is { } local && response.To?.Tag is { } remote
            ? new DialogId(callId, local, remote)
            : null;
    }

    public override string ToString() => $"{CallId};local={LocalTag};remote={RemoteTag}";
}

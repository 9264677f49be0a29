using Portal.Sip.Messages;

namespace Portal.Sip.Transactions;

/// <summary>
/// What makes two requests without a To tag the same request arriving by different paths (RFC 3261 §8.2.2.2):
/// From tag, Call-ID and CSeq (number and method).
/// </summary>
internal readonly record struct MergedRequestKey(string? FromTag, string CallId, uint CSeqNumber, string CSeqMethod)
{
    /// <summary>The key of a request without a To tag; null for one with a To tag (within a dialog) or an ACK.</summary>
    public static MergedRequestKey? For(SipRequest request) =>
        request.Method != SipMethod.Ack && request.To is { Tag: null } && request.CallId is { } callId && request.CSeq is { } cseq
            ? new MergedRequestKey(request.From?.Tag, callId, cseq.Number, cseq.Method.Name)
            : null;
}

using System.Globalization;

using Portal.Sip.Messages;

namespace Portal.Sip.Transactions;

/// <summary>
/// What identifies a transaction (RFC 3261 §17.1.3, §17.2.3): the branch and sent-by of the top Via and the
/// method, where an ACK belongs to its INVITE. A branch that does not start with the magic cookie
/// <c>z9hG4bK</c>, or is nothing but the cookie (RFC 4475 §3.2.1 <c>badbranch</c>), comes from an RFC 2543
/// element: its requests are matched by Request-URI, To tag, From tag, Call-ID, CSeq number and top Via instead
/// (§17.2.3, last paragraphs), which <see cref="Branch"/> then holds in one string.
/// </summary>
public readonly record struct TransactionKey(string Branch, string SentBy, string Method)
{
    private const string Rfc2543Prefix = "rfc2543\n";

    /// <summary>True when the key was made by the RFC 2543 rules.</summary>
    public bool IsRfc2543 => Branch.StartsWith(Rfc2543Prefix, StringComparison.Ordinal);

    /// <summary>True for a branch made by RFC 3261 rules (§8.1.1.7): the magic cookie and something after it.</summary>
    public static bool IsRfc3261Branch(string? branch) =>
        branch is { Length: > 7 } && branch.StartsWith(ViaHeader.MagicCookie, StringComparison.Ordinal);

    /// <summary>
    /// The server transaction a received request belongs to (§17.2.3): an ACK's is its INVITE's. Null when the
    /// request lacks a top Via, Call-ID or CSeq.
    /// </summary>
    public static TransactionKey? ForRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        SipMethod method = request.Method == SipMethod.Ack ? SipMethod.Invite : request.Method;
        return Create(request, method, request.To?.Tag);
    }

    /// <summary>
    /// The transaction a CANCEL asks to cancel (§9.2): the CANCEL's own key with the method it cancels, found
    /// "assuming that the request method is anything but CANCEL or ACK".
    /// </summary>
    public static TransactionKey? ForCancelled(SipRequest cancel, SipMethod cancelledMethod)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        ArgumentNullException.ThrowIfNull(cancelledMethod);
        return Create(cancel, cancelledMethod, cancel.To?.Tag);
    }

    /// <summary>
    /// The client transaction a response belongs to (§17.1.3): the top Via's branch and the CSeq method only, as
    /// the branch is this side's own unique value (so <see cref="SentBy"/> is empty). Null when either is missing.
    /// </summary>
    public static TransactionKey? ForResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.TopVia?.Branch is { } branch && response.CSeq is { } cseq
            ? new TransactionKey(branch, string.Empty, cseq.Method.Name)
            : null;
    }

    /// <summary>The key a client transaction for <paramref name="request"/> is found by (§17.1.3); see <see cref="ForResponse"/>.</summary>
    public static TransactionKey? ForClientRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.TopVia?.Branch is { } branch && request.CSeq is { } cseq
            ? new TransactionKey(branch, string.Empty, cseq.Method.Name)
            : null;
    }

    /// <summary>
    /// The key of an RFC 2543 INVITE that had no To tag, for the ACK of a non-2xx response to it, whose To
    /// carries the tag the response added (§17.2.3). Null for RFC 3261 branches.
    /// </summary>
    internal static TransactionKey? ForAckOfInitialInvite(SipRequest ack) =>
        ack.TopVia is { } via && !IsRfc3261Branch(via.Branch) ? Create(ack, SipMethod.Invite, toTag: null) : null;

    private static TransactionKey? Create(SipRequest request, SipMethod method, string? toTag)
    {
        if (request.TopVia is not { } via || request.CSeq is not { } cseq || request.CallId is not { } callId)
        {
            return null;
        }

        string sentBy = NormaliseSentBy(via);
        if (IsRfc3261Branch(via.Branch))
        {
            return new TransactionKey(via.Branch!, sentBy, method.Name);
        }

        // The top Via as the client sent it: without what the transport stamped on (RFC 3261 §18.2.1, RFC 3581).
        string topVia = via.WithoutParameter("received").WithoutParameter("rport").ToString();
        string branch = string.Join(
            '\n',
            Rfc2543Prefix + request.Uri,
            toTag,
            request.From?.Tag,
            callId,
            cseq.Number.ToString(CultureInfo.InvariantCulture),
            topVia);
        return new TransactionKey(branch, sentBy, method.Name);
    }

    /// <summary>Host names compare case-insensitively (RFC 3261 §19.1.4); the port as written.</summary>
    private static string NormaliseSentBy(ViaHeader via) => via.SentBy.ToLowerInvariant();
}

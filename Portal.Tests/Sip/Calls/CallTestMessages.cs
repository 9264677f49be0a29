using Portal.Sip.Messages;
using Portal.Sip.Transport;
using Portal.Tests.Sip.Transactions;

namespace Portal.Tests.Sip.Calls;

/// <summary>What phones and callees send in call tests, written as text so each reads like the wire.</summary>
internal static class CallTestMessages
{
    public static readonly SipEndPoint Local = SipEndPoint.Parse("udp:192.0.2.1:5060");
    public static readonly SipEndPoint Phone = SipEndPoint.Parse("udp:192.0.2.10:5060");

    public const string CallerSdp = "v=0\r\no=phone 100 100 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

    public const string CalleeSdp = "v=0\r\no=callee 200 200 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";

    private static int _branches;

    /// <summary>The caller's INVITE to <paramref name="user"/> at our address, with SDP.</summary>
    public static SipRequest Invite(string user, uint cseq = 1, string? authorization = null, string callId = "a-leg-1",
        string fromHost = "sip.example.test", string? sdp = CallerSdp)
    {
        var auth = authorization is null ? "" : $"Proxy-Authorization: {authorization}\r\n";
        var body = sdp ?? "";
        var type = sdp is null ? "" : "Content-Type: application/sdp\r\n";
        return TransactionTestMessages.Parse(
            $"INVITE sip:{user}@192.0.2.1 SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKcaller{Interlocked.Increment(ref _branches)}\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: \"Alice\" <sip:alice@{fromHost}>;tag=caller1\r\n" +
            $"To: <sip:{user}@192.0.2.1>\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: {cseq} INVITE\r\n" +
            "Contact: <sip:alice@192.0.2.10:5060>\r\n" +
            auth + type +
            $"Content-Length: {body.Length}\r\n\r\n{body}");
    }

    /// <summary>A request in a dialog, from the side whose From tag is <paramref name="fromTag"/>.</summary>
    public static SipRequest InDialog(string method, string uri, string from, string to, string callId, uint cseq, string? sdp = null, string? contact = null)
    {
        var body = sdp ?? "";
        return TransactionTestMessages.Parse(
            $"{method} {uri} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKdialog{Interlocked.Increment(ref _branches)}\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: {from}\r\nTo: {to}\r\nCall-ID: {callId}\r\nCSeq: {cseq} {method}\r\n" +
            (contact is null ? "" : $"Contact: {contact}\r\n") +
            (sdp is null ? "" : "Content-Type: application/sdp\r\n") +
            $"Content-Length: {body.Length}\r\n\r\n{body}");
    }

    /// <summary>A callee's (or the caller's) response to a request the service sent.</summary>
    public static SipResponse Respond(SipRequest request, int status, string toTag = "callee1", string? sdp = null, string contact = "<sip:callee@192.0.2.20:5060>")
    {
        var response = request.CreateResponse(status, null, toTag);
        if (status is > 100 and < 300)
        {
            response.Headers.Add("Contact", contact);
        }

        if (sdp is not null)
        {
            response.Headers.Add("Content-Type", "application/sdp");
            response.Body = System.Text.Encoding.UTF8.GetBytes(sdp);
        }

        return TransactionTestMessages.Reparse(response);
    }

    /// <summary>The ACK for a 2xx the service sent to the caller's request (§13.2.2.4).</summary>
    public static SipRequest AckFor(SipRequest request, SipResponse ok, string? sdp = null) =>
        InDialog("ACK", ok.Contacts[0].Uri!.ToString(), request.Headers.GetFirst("From")!, ok.Headers.GetFirst("To")!, request.CallId!,
            request.CSeq!.Number, sdp);

    public static string Text(ReadOnlyMemory<byte> body) => System.Text.Encoding.UTF8.GetString(body.Span);
}

using System.Text;

using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transactions;

/// <summary>Requests and responses for transaction tests, written as text so each reads like the wire.</summary>
internal static class TransactionTestMessages
{
    public static readonly SipEndPoint UdpPhone = SipEndPoint.Parse("udp:192.0.2.10:5060");
    public static readonly SipEndPoint TcpPhone = SipEndPoint.Parse("tcp:192.0.2.10:40000");
    public static readonly SipEndPoint UdpLocal = SipEndPoint.Parse("udp:192.0.2.1:5060");
    public static readonly SipEndPoint TcpLocal = SipEndPoint.Parse("tcp:192.0.2.1:5060");

    public static SipRequest Request(
        string method,
        string branch = "z9hG4bKtest1",
        string? toTag = null,
        string fromTag = "from1",
        string callId = "call-1@192.0.2.10",
        uint cseq = 1,
        string transport = "UDP",
        string uri = "sip:bob@192.0.2.1")
    {
        string branchParameter = branch.Length == 0 ? string.Empty : ";branch=" + branch;
        string to = toTag is null ? "<sip:bob@192.0.2.1>" : $"<sip:bob@192.0.2.1>;tag={toTag}";
        return Parse(
            $"""
            {method} {uri} SIP/2.0
            Via: SIP/2.0/{transport} 192.0.2.10:5060{branchParameter}
            Max-Forwards: 70
            From: <sip:alice@192.0.2.10>;tag={fromTag}
            To: {to}
            Call-ID: {callId}
            CSeq: {cseq} {method}
            Content-Length: 0


            """);
    }

    /// <summary>The ACK a UAC sends for a non-2xx final response (§17.1.1.3): same branch, the response's To.</summary>
    public static SipRequest AckFor(SipRequest invite, SipResponse response) => Reparse(invite.CreateAckFor(response));

    /// <summary>A response as the peer would send it back for a request this side sent.</summary>
    public static SipResponse ResponseTo(SipRequest request, int status, string? toTag = "to1") =>
        (SipResponse)Reparse(request.CreateResponse(status, null, toTag));

    public static T Reparse<T>(T message)
        where T : SipMessage
    {
        SipParseResult result = SipMessageParser.Parse(message.ToBytes());
        Assert.True(result.Succeeded, result.Error?.ToString());
        return Assert.IsType<T>(result.Message);
    }

    public static SipRequest Parse(string text)
    {
        string wire = text.ReplaceLineEndings("\r\n");
        SipParseResult result = SipMessageParser.Parse(Encoding.UTF8.GetBytes(wire));
        Assert.True(result.Succeeded, result.Error?.ToString());
        return Assert.IsType<SipRequest>(result.Message);
    }
}

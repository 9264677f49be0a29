using System.Text;
using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Tracing;

/// <summary>Messages of one call leg, as the transport would report them to a trace.</summary>
internal static class TraceMessages
{
    public static readonly SipEndPoint Service = SipEndPoint.Parse("udp:192.0.2.1:5060");
    public static readonly SipEndPoint Phone = SipEndPoint.Parse("udp:192.0.2.10:5062");

    public static string Invite(string callId, string? toTag = null, string? authorization = null, int padding = 0) =>
        Text($"INVITE sip:232@sip.example.test SIP/2.0", callId, "1 INVITE", toTag, authorization, padding);

    public static string Bye(string callId) => Text("BYE sip:alice@192.0.2.10:5062 SIP/2.0", callId, "2 BYE", "t2", null, 0);

    public static string Response(string status, string callId, string cseq) =>
        Text($"SIP/2.0 {status}", callId, cseq, "t2", null, 0);

    public static SipMessage Parse(string text)
    {
        var result = SipMessageParser.Parse(Encoding.UTF8.GetBytes(text).AsMemory());
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Message;
    }

    private static string Text(string firstLine, string callId, string cseq, string? toTag, string? authorization, int padding)
    {
        var lines = new List<string>
        {
            firstLine,
            "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-" + callId,
            "Max-Forwards: 70",
            "From: <sip:alice@sip.example.test>;tag=f1",
            "To: <sip:232@sip.example.test>" + (toTag is null ? "" : ";tag=" + toTag),
            "Call-ID: " + callId,
            "CSeq: " + cseq,
        };
        if (authorization is not null)
        {
            lines.Add(authorization);
        }

        if (padding > 0)
        {
            lines.Add("X-Padding: " + new string('x', padding));
        }

        lines.Add("Content-Length: 0");
        return string.Join("\r\n", lines) + "\r\n\r\n";
    }
}

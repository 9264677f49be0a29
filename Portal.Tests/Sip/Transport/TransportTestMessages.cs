using System.Text;

namespace Portal.Tests.Sip.Transport;

/// <summary>Wire text for transport tests.</summary>
internal static class TransportTestMessages
{
    public static string Options(string callId, string transport = "UDP", string sentBy = "127.0.0.1:5099", string viaParameters = "") =>
        $"OPTIONS sip:service@127.0.0.1 SIP/2.0\r\n"
        + $"Via: SIP/2.0/{transport} {sentBy};branch=z9hG4bK{callId}{viaParameters}\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@127.0.0.1>;tag=f1\r\n"
        + "To: <sip:service@127.0.0.1>\r\n"
        + $"Call-ID: {callId}\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";

    public static string MessageWithBody(string callId, string body) =>
        $"MESSAGE sip:service@127.0.0.1 SIP/2.0\r\n"
        + $"Via: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK{callId}\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@127.0.0.1>;tag=f1\r\n"
        + "To: <sip:service@127.0.0.1>\r\n"
        + $"Call-ID: {callId}\r\n"
        + "CSeq: 1 MESSAGE\r\n"
        + "Content-Type: text/plain\r\n"
        + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n"
        + body;

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}

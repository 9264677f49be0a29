using System.Net;
using System.Text;

using Portal.Sip.Transport;

namespace Portal.Sip.Tracing;

/// <summary>
/// One SIP message of a traced call as it went over the wire (with Authorization and Proxy-Authorization
/// credentials masked). What people read — the text, the first line, the CSeq — is worked out from the bytes when
/// asked, so keeping a message costs one copy of its bytes.
/// </summary>
/// <param name="Sequence">Its place among the call's messages and notes.</param>
/// <param name="At">When the service received or sent it.</param>
/// <param name="Direction">Received by the service, or sent by it.</param>
/// <param name="Protocol">The transport it went over.</param>
/// <param name="Local">The service's end point.</param>
/// <param name="Remote">The peer's end point.</param>
/// <param name="CallId">Its SIP Call-ID: which leg it belongs to.</param>
/// <param name="Bytes">The message as on the wire.</param>
public sealed record SipTraceMessage(
    long Sequence,
    DateTimeOffset At,
    SipTraceDirection Direction,
    SipTransportProtocol Protocol,
    IPEndPoint Local,
    IPEndPoint Remote,
    string CallId,
    byte[] Bytes)
{
    public IPEndPoint Source => Direction == SipTraceDirection.Received ? Remote : Local;

    public IPEndPoint Destination => Direction == SipTraceDirection.Received ? Local : Remote;

    /// <summary>The whole message as text (UTF-8, as SIP is).</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <summary>The request line or status line.</summary>
    public string FirstLine
    {
        get
        {
            int end = Array.IndexOf(Bytes, (byte)'\n');
            return Encoding.UTF8.GetString(Bytes, 0, end < 0 ? Bytes.Length : end).TrimEnd('\r');
        }
    }

    public bool IsRequest => !FirstLine.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase);

    /// <summary>What the ladder writes on the arrow: the method of a request, the status and reason of a response.</summary>
    public string Summary
    {
        get
        {
            string line = FirstLine;
            if (IsRequest)
            {
                int space = line.IndexOf(' ', StringComparison.Ordinal);
                return space < 0 ? line : line[..space];
            }

            int first = line.IndexOf(' ', StringComparison.Ordinal);
            return first < 0 ? line : line[(first + 1)..];
        }
    }

    /// <summary>The CSeq header's value ("2 INVITE"), or null when there is none.</summary>
    public string? CSeq
    {
        get
        {
            foreach (string line in Text.Split('\n'))
            {
                string trimmed = line.TrimEnd('\r');
                if (trimmed.Length == 0)
                {
                    return null;
                }

                int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && trimmed[..colon].Trim().Equals("CSeq", StringComparison.OrdinalIgnoreCase))
                {
                    return trimmed[(colon + 1)..].Trim();
                }
            }

            return null;
        }
    }

    /// <summary>Whether the message carries a body (an SDP offer or answer, a sipfrag).</summary>
    public bool HasBody
    {
        get
        {
            int crlf = Bytes.AsSpan().IndexOf("\r\n\r\n"u8);
            return crlf >= 0 && crlf + 4 < Bytes.Length;
        }
    }
}

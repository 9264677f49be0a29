using System.Text;
using Portal.Sip.Messages;

namespace Portal.Tests.Sip;

/// <summary>Builds requests for service-level tests from readable text.</summary>
internal static class SipTestMessages
{
    public static SipRequest Register(string user, string domain = "sip.example.test", string callId = "reg-1", uint cseq = 1,
        string? contact = null, int? expires = null, params string[] extraHeaders)
    {
        var lines = new List<string>
        {
            $"REGISTER sip:{domain} SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK" + Guid.NewGuid().ToString("N")[..12] + ";rport",
            "Max-Forwards: 70",
            $"From: <sip:{user}@{domain}>;tag=f1",
            $"To: <sip:{user}@{domain}>",
            $"Call-ID: {callId}",
            $"CSeq: {cseq} REGISTER",
        };
        if (contact is not null)
        {
            lines.Add($"Contact: {contact}");
        }

        if (expires is not null)
        {
            lines.Add($"Expires: {expires}");
        }

        lines.AddRange(extraHeaders);
        lines.Add("Content-Length: 0");
        return Parse(string.Join("\r\n", lines) + "\r\n\r\n");
    }

    public static SipRequest Parse(string text)
    {
        var result = SipMessageParser.Parse(Encoding.UTF8.GetBytes(text).AsMemory());
        Assert.True(result.Succeeded, result.Error?.ToString());
        return Assert.IsType<SipRequest>(result.Message);
    }
}

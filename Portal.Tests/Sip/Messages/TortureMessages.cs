using System.Text;

using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

/// <summary>Loads the RFC 4475 torture messages (TestData/Rfc4475, copied byte for byte from the RFC's Appendix A).</summary>
internal static class TortureMessages
{
    public static byte[] Load(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Rfc4475", name + ".dat"));

    public static SipParseResult Parse(string name) => SipMessageParser.Parse(Load(name));

    public static SipRequest ParseRequest(string name) => Assert.IsType<SipRequest>(ParseMessage(name));

    public static SipResponse ParseResponse(string name) => Assert.IsType<SipResponse>(ParseMessage(name));

    public static SipParseError ParseFailure(string name)
    {
        SipParseResult result = Parse(name);
        Assert.False(result.Succeeded, $"{name} should have been refused");
        return result.Error;
    }

    public static SipMessage ParseMessage(string name)
    {
        SipParseResult result = Parse(name);
        Assert.True(result.Succeeded, $"{name}: {result.Error}");
        return result.Message;
    }

    public static SipParseResult ParseText(string text) => SipMessageParser.Parse(Encoding.UTF8.GetBytes(text));

    public static SipMessage ParseTextMessage(string text)
    {
        SipParseResult result = ParseText(text);
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Message;
    }
}

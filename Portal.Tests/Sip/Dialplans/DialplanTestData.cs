using Portal.Sip.Dialplans;

namespace Portal.Tests.Sip.Dialplans;

/// <summary>Contexts and sources shared by the dialplan tests.</summary>
internal static class DialplanTestData
{
    /// <summary>The example block of DESIGN §6, as written there.</summary>
    public const string DesignExample =
        """
        # comments start with #; the optional `case req.URI.User` ... `end` wrapper is accepted
        when /^232$/ then sys.Dial("app@voice.example.com[fu=xfer-#{sys.CallNumber}]")
        when "hold", "music" then sys.Dial("moh@local")
        when _1NXXNXXXXXX then sys.Log("US number"); sys.Dial("${dst}@myprovider")
        when /^0(\d+)$/ then sys.Dial("$1@myprovider|$1@backup")
        else sys.Respond(404, "No route")
        """;

    public static DialStringContext Routes { get; } = new(["myprovider", "backup"], ["sip.example.org"]);

    public static DialplanContext Call(string dialled, long callNumber = 17) =>
        new(dialled, "sip.example.org", "alice", "a84b4c76e66710@pc33.example.org", "alice", callNumber, Routes);

    public static RulesDialplan Parse(string source)
    {
        DialplanParseResult result = RulesDialplanParser.Parse(source);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Dialplan;
    }
}

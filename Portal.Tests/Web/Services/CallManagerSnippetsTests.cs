using Portal.Services;

namespace Portal.Tests.Web.Services;

public sealed class CallManagerSnippetsTests
{
    private const string Key = "pk_0123abcd_Zm9vYmFyLWJhei1xdXV4LTEyMzQ1Njc4OTAxMjM0NTY3OA";
    private const string Base = "https://portal.example.com";

    private static CallManagerSnippets For(string user = "alice", string? key = Key, string voiceApp = "app@voice.example.com") =>
        new(Base, user, key, voiceApp);

    [Theory]
    [InlineData("https://portal.example.com/", "http://127.0.0.1:5000/", "https://portal.example.com")]
    [InlineData(null, "http://127.0.0.1:5000/", "http://127.0.0.1:5000")]
    [InlineData("  ", "https://host/portal/", "https://host/portal")]
    public void ResolveBaseUrl_PrefersConfigured_AndTrimsTheTrailingSlash(string? configured, string request, string expected) =>
        Assert.Equal(expected, CallManagerSnippets.ResolveBaseUrl(configured, request));

    [Fact]
    public void TransferUrl_IsUnderCallManager() =>
        Assert.Equal("https://portal.example.com/callmanager/blindtransfer", For().TransferUrl);

    [Fact]
    public void EverySnippet_CarriesUserKeyAndTransferUrl()
    {
        var snippets = For();

        foreach (var text in new[] { snippets.TropoRuby, snippets.TropoJavaScript, snippets.TropoPython, snippets.Curl })
        {
            Assert.Contains(Key, text);
            Assert.Contains("https://portal.example.com/callmanager/blindtransfer", text);
            Assert.Contains("alice", text);
            Assert.DoesNotContain(CallManagerSnippets.KeyPlaceholder, text);
        }

        Assert.Contains("USER = \"alice\"", snippets.TropoRuby);
        Assert.Contains("var USER = \"alice\";", snippets.TropoJavaScript);
        Assert.Contains("USER = 'alice'", snippets.TropoPython);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void NoKey_UsesThePlaceholder(string? key)
    {
        var snippets = For(key: key);

        Assert.Contains($"KEY = \"{CallManagerSnippets.KeyPlaceholder}\"", snippets.TropoRuby);
        Assert.Contains($"var KEY = \"{CallManagerSnippets.KeyPlaceholder}\";", snippets.TropoJavaScript);
        Assert.Contains($"KEY = '{CallManagerSnippets.KeyPlaceholder}'", snippets.TropoPython);
        Assert.Contains($"Authorization: Bearer {CallManagerSnippets.KeyPlaceholder}", snippets.Curl);
    }

    [Fact]
    public void Curl_UrlEncodesTheUserName()
    {
        var curl = For(user: "o'hara & co/x").Curl;

        Assert.Contains("/callmanager/blindtransfer?user=o%27hara%20%26%20co%2Fx&callid=CALL_ID&destination=5551234", curl);
        // In the -G variant curl encodes the value itself; the shell quoting keeps the apostrophe.
        Assert.Contains("--data-urlencode 'user=o'\\''hara & co/x'", curl);
    }

    [Fact]
    public void Scripts_EncodeTheUserNameAtRunTime()
    {
        var snippets = For();

        Assert.Contains("CGI.escape(USER)", snippets.TropoRuby);
        Assert.Contains("encodeURIComponent(USER)", snippets.TropoJavaScript);
        Assert.Contains("urllib.urlencode([('user', USER)", snippets.TropoPython);
    }

    [Fact]
    public void Scripts_ReadTheLegsCallIdFromXSbcCallId()
    {
        var snippets = For();

        Assert.Contains("call_id = $currentCall.getHeader(\"x-sbc-call-id\")", snippets.TropoRuby);
        Assert.Contains("currentCall.getHeader(\"x-sbc-call-id\")", snippets.TropoJavaScript);
        Assert.Contains("currentCall.getHeader(\"x-sbc-call-id\")", snippets.TropoPython);
    }

    [Fact]
    public void Literals_AreEscapedForEachLanguage()
    {
        const string nasty = "a'b\"c\\d#{x}\n";

        Assert.Equal("\"a'b\\\"c\\\\d\\#{x}\\x0a\"", CallManagerSnippets.Ruby(nasty));
        Assert.Equal("\"a'b\\\"c\\\\d#{x}\\u000a\"", CallManagerSnippets.Js(nasty));
        Assert.Equal("'a\\'b\"c\\\\d#{x}\\x0a'", CallManagerSnippets.Python(nasty));
        Assert.Equal("'a'\\''b\"c\\d#{x}\n'", CallManagerSnippets.Shell(nasty));
        Assert.Equal("\"\\u00e9\\u2028\"", CallManagerSnippets.Js("é\u2028"));
        Assert.Equal("'\\xc3\\xa9'", CallManagerSnippets.Python("é"));
        Assert.Equal("\"\\xc3\\xa9\"", CallManagerSnippets.Ruby("é"));
    }

    [Fact]
    public void DialplanLine_SendsCallsToTheVoiceAppWithAFromUserToken()
    {
        Assert.Equal("when /^232$/ then sys.Dial(\"app@voice.example.com[fu=xfer-#{sys.CallNumber}]\")", For().DialplanLine);
        Assert.Equal("when /^232$/ then sys.Dial(\"a\\\"b\\#c@x[fu=xfer-#{sys.CallNumber}]\")",
            For(voiceApp: "a\"b#c@x").DialplanLine);
    }

    [Fact]
    public void DialplanLine_ParsesAsADialplan()
    {
        var result = Portal.Sip.Dialplans.RulesDialplanParser.Parse(For().DialplanLine);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
    }
}

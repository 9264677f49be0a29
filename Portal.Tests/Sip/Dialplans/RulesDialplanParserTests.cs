using Portal.Services;
using Portal.Sip.Dialplans;

namespace Portal.Tests.Sip.Dialplans;

public sealed class RulesDialplanParserTests
{
    [Fact]
    public void Parse_DesignExample_Succeeds()
    {
        DialplanParseResult result = RulesDialplanParser.Parse(DialplanTestData.DesignExample);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        Assert.Equal(5, result.Dialplan.RuleCount);
    }

    [Theory]
    [InlineData(DialplanTemplates.Transfer)]
    [InlineData(DialplanTemplates.Outgoing)]
    public void Parse_PortalTemplates_Succeed(string source)
    {
        DialplanParseResult result = RulesDialplanParser.Parse(source);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Parse_CrLfLineEndingsAndTabs_Succeeds()
    {
        DialplanParseResult result = RulesDialplanParser.Parse("case req.URI.User\r\n\twhen \"a\" then sys.Log(\"x\")\r\n\telse sys.Respond(404, \"No\")\r\nend\r\n");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(2, result.Dialplan.RuleCount);
    }

    [Theory]
    [InlineData("when \"a\" then sys.Hangup()", 1, 15, "Unknown function 'sys.Hangup': use sys.Dial(")]
    [InlineData("when \"a\" then sys.dial(\"a@local\")", 1, 15, "Unknown function 'sys.dial': write sys.Dial.")]
    [InlineData("when \"a\" then Dial(\"a@local\")", 1, 15, "Unknown function 'Dial': write sys.Dial.")]
    [InlineData("else sys.Respond(200, \"OK\")", 1, 18, "use a status code from 300 to 699")]
    [InlineData("else sys.Respond(700, \"OK\")", 1, 18, "use a status code from 300 to 699")]
    [InlineData("else sys.Respond(404)", 1, 6, "sys.Respond takes a status code and a reason")]
    [InlineData("else sys.Respond(\"404\", \"x\")", 1, 18, "use a status code from 300 to 699")]
    [InlineData("when /^(12$/ then sys.Log(\"x\")", 1, 6, "This regex is not valid (insufficient closing parentheses")]
    [InlineData("when // then sys.Log(\"x\")", 1, 6, "Write a pattern between the slashes")]
    [InlineData("when /abc then sys.Log(\"x\")", 1, 6, "Close the regex with '/' on the same line")]
    [InlineData("when /abc/g then sys.Log(\"x\")", 1, 11, "Unknown regex option 'g': only 'i'")]
    [InlineData("when \"a\" then sys.Log(\"#{req.URI.Foo}\")", 1, 24, "Unknown variable '#{req.URI.Foo}': use #{req.URI.User}")]
    [InlineData("else sys.Log(\"#{req.URI.User\")", 1, 15, "Close '#{' with '}'")]
    [InlineData("else sys.Dial(\"${ext}@local\")", 1, 16, "Unknown variable '${ext}': use ${dst} or ${exten}")]
    [InlineData("else sys.Log(\"a\\nb\")", 1, 16, "Unknown escape '\\n' in a string")]
    [InlineData("else sys.Log(\"oops", 1, 14, "Close the string with a double quote")]
    [InlineData("when \"a\" sys.Log(\"x\")", 1, 10, "Expected ',' or 'then' after the matcher, not 'sys.Log'")]
    [InlineData("when then sys.Log(\"x\")", 1, 6, "Write what to match after 'when'")]
    [InlineData("when 42 then sys.Log(\"x\")", 1, 6, "Expected a regex /.../, a \"literal\" or an _pattern to match, not the number 42")]
    [InlineData("when \"#{sys.Username}\" then sys.Log(\"x\")", 1, 7, "A matcher can't use #{sys.Username}")]
    [InlineData("when \"a\" then \"x\"", 1, 15, "Expected an action, not a string")]
    [InlineData("when \"a\" then sys.Dial(\"a@local\", \"x\")", 1, 35, "Ring seconds must be a whole number from 1 to 600")]
    [InlineData("when \"a\" then sys.Dial(\"a@local\", 0)", 1, 35, "Ring seconds must be a whole number from 1 to 600")]
    [InlineData("when \"a\" then sys.Dial(\"a@local\", 30, 90000)", 1, 39, "Maximum call seconds must be a whole number from 1 to 86400")]
    [InlineData("when \"a\" then sys.Dial(\"a@local\", 30, 60, 5)", 1, 43, "sys.Dial takes a dial string and optionally")]
    [InlineData("when \"a\" then sys.Dial()", 1, 15, "sys.Dial takes a dial string")]
    [InlineData("when \"a\" then sys.Dial(42)", 1, 24, "The first argument of sys.Dial is the dial string")]
    [InlineData("when \"a\" then sys.Log(\"x\"", 1, 26, "Expected ',' or ')' here, not the end of the line")]
    [InlineData("when \"a\" then sys.Log(\"x\") sys.Log(\"y\")", 1, 28, "Expected ';' or the end of the line after the action")]
    [InlineData("when /^(1)$/ then sys.Log(\"$2\")", 1, 28, "$2 stands for capture group 2, but this rule's regex has only 1.")]
    [InlineData("when \"a\" then sys.Log(\"$1\")", 1, 24, "$1 stands for a capture group of the rule's regex, and this rule has none")]
    [InlineData("else sys.Dial(\"#{$1}@local\")", 1, 16, "#{$1} stands for a capture group")]
    [InlineData("when _ then sys.Log(\"x\")", 1, 6, "Write the pattern right after '_'")]
    [InlineData("when _9[1-5 then sys.Log(\"x\")", 1, 8, "Close the set with ']'")]
    [InlineData("when _[5-1]X then sys.Log(\"x\")", 1, 8, "Write the range low to high: [1-5], not [5-1].")]
    [InlineData("when _9[] then sys.Log(\"x\")", 1, 8, "Write the characters to match between the brackets")]
    [InlineData("else sys.Dial(\"x\" + \"@local\")", 1, 19, "Unexpected '+': to join text, put the variable inside the string")]
    [InlineData("when \"a\" then", 1, 1, "This rule has no actions: add one after 'then'")]
    [InlineData("else", 1, 1, "This rule has no actions: add one after 'else'")]
    [InlineData("+", 1, 1, "Unexpected '+'")]
    [InlineData("hello world", 1, 1, "Expected 'when' or 'else' to start a rule, not 'hello'")]
    [InlineData("case req.URI.Host\nwhen \"a\" then sys.Log(\"x\")\nend", 1, 6, "Only 'case req.URI.User' is supported")]
    [InlineData("case req.URI.User\nwhen \"a\" then sys.Log(\"x\")", 1, 1, "Close 'case req.URI.User' with 'end'")]
    [InlineData("when \"a\" then sys.Log(\"x\")\nend", 2, 1, "Remove this 'end': it closes a 'case req.URI.User' line, and there is none.")]
    [InlineData("case req.URI.User\nwhen \"a\" then sys.Log(\"x\")\nend\nwhen \"b\" then sys.Log(\"y\")", 4, 1, "Nothing may follow 'end'")]
    [InlineData("when \"a\" then sys.Log(\"x\")\ncase req.URI.User", 2, 1, "'case req.URI.User' may only come first")]
    [InlineData("else sys.Log(\"x\")\nwhen \"a\" then sys.Log(\"y\")", 2, 1, "This rule comes after the 'else' on line 1 and would never run")]
    [InlineData("else sys.Log(\"x\")\nelse sys.Log(\"y\")", 2, 1, "There is already an 'else' on line 1: keep one.")]
    [InlineData("# only a comment\n\n", 1, 1, "The dialplan has no rules")]
    [InlineData("", 1, 1, "The dialplan has no rules")]
    public void Parse_Mistake_ReportsItAtItsLineAndColumn(string source, int line, int column, string message)
    {
        DialplanParseResult result = RulesDialplanParser.Parse(source);

        Assert.False(result.Succeeded);
        Assert.Null(result.Dialplan);
        DialplanError error = Assert.Single(result.Errors);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SingleQuotes_ReportedAndRestOfLineStillChecked()
    {
        DialplanParseResult result = RulesDialplanParser.Parse("when 'hold' then sys.Log(\"#{bad}\")");

        Assert.Collection(
            result.Errors,
            e => Assert.Equal((1, 6, "Use double quotes for strings, e.g. \"hold\"."), (e.Line, e.Column, e.Message)),
            e => Assert.Equal((1, 27), (e.Line, e.Column)));
    }

    [Fact]
    public void Parse_VariableOutsideString_SaysToPutItInside()
    {
        DialplanParseResult result = RulesDialplanParser.Parse("else sys.Dial(req.URI.User + \"@local\")");

        Assert.Collection(
            result.Errors,
            e => Assert.Equal((1, 15, "'req.URI.User' can't stand alone: put variables inside a string, e.g. \"#{req.URI.User}\"."), (e.Line, e.Column, e.Message)),
            e => Assert.Equal((1, 28), (e.Line, e.Column)));
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEveryOneInOrder()
    {
        DialplanParseResult result = RulesDialplanParser.Parse(
            """
            when /^(12$/ then sys.Hangup(); sys.Log("#{nope}")
            when "a" then sys.Respond(100, "Trying")
            when "fine" then sys.Log("ok")
            else sys.Dial("x@local", 0)
            """);

        Assert.Equal(
            new[] { (1, 6), (1, 19), (1, 42), (2, 27), (4, 26) },
            result.Errors.Select(e => (e.Line, e.Column)).ToArray());
    }

    [Fact]
    public void Parse_SourceOver64KiB_IsRefused()
    {
        string source = "when \"a\" then sys.Log(\"x\")\n" + new string('#', 64 * 1024);

        DialplanParseResult result = RulesDialplanParser.Parse(source);

        DialplanError error = Assert.Single(result.Errors);
        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("the limit is 64 KiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreThanThousandRules_ReportsTheFirstRuleTooMany()
    {
        string source = string.Join("\n", Enumerable.Range(1, 1001).Select(n => $"when \"{n}\" then sys.Log(\"x\")"));

        DialplanParseResult result = RulesDialplanParser.Parse(source);

        DialplanError error = Assert.Single(result.Errors);
        Assert.Equal((1001, 1), (error.Line, error.Column));
        Assert.Contains("at most 1000 rules", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ThousandRules_Succeeds()
    {
        string source = string.Join("\n", Enumerable.Range(1, 1000).Select(n => $"when \"{n}\" then sys.Log(\"x\")"));

        Assert.True(RulesDialplanParser.Parse(source).Succeeded);
    }

    [Fact]
    public void Parse_ArgumentsContinuedAfterComma_Succeeds()
    {
        DialplanParseResult result = RulesDialplanParser.Parse("else sys.Respond(404,\n    \"Not here\")");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Fact]
    public void ToString_Error_IsLineColonColumn()
    {
        Assert.Equal("3:7: Oops.", new DialplanError(3, 7, "Oops.").ToString());
    }
}

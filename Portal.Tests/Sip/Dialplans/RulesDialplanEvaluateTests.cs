using Portal.Services;
using Portal.Sip.Dialplans;

using static Portal.Tests.Sip.Dialplans.DialplanTestData;

namespace Portal.Tests.Sip.Dialplans;

public sealed class RulesDialplanEvaluateTests
{
    [Fact]
    public void Evaluate_DesignExampleVoiceApp_DialsAppWithFromUserCarryingCallNumber()
    {
        DialplanPlan plan = Parse(DesignExample).Evaluate(Call("232", callNumber: 17));

        DialStep dial = Assert.IsType<DialStep>(Assert.Single(plan.Steps));
        Assert.Equal("app@voice.example.com[fu=xfer-17]", dial.RawText);
        DialLeg leg = Assert.Single(Assert.Single(dial.Dial.Groups).Legs);
        Assert.Equal("app", leg.User);
        Assert.Equal("voice.example.com", leg.Host);
        Assert.Equal("xfer-17", leg.Options.FromUser);
        Assert.Equal("sip:app@voice.example.com", Assert.IsType<DirectRoute>(leg.Route).Uri.ToString());
        Assert.Equal(new DialplanRuleMatch(2, "when /^232$/ then sys.Dial(\"app@voice.example.com[fu=xfer-#{sys.CallNumber}]\")"), plan.MatchedRule);
        Assert.Empty(plan.Warnings);
    }

    [Theory]
    [InlineData("hold")]
    [InlineData("music")]
    public void Evaluate_DesignExampleLiteralList_RingsMusicOnHoldAccount(string dialled)
    {
        DialplanPlan plan = Parse(DesignExample).Evaluate(Call(dialled));

        DialStep dial = Assert.IsType<DialStep>(Assert.Single(plan.Steps));
        DialLeg leg = Assert.Single(Assert.Single(dial.Dial.Groups).Legs);
        Assert.Equal("moh", leg.User);
        Assert.IsType<LocalRoute>(leg.Route);
        Assert.Equal(3, plan.MatchedRule?.Line);
    }

    [Fact]
    public void Evaluate_DesignExampleUsNumber_LogsThenDialsDialledNumberThroughProvider()
    {
        DialplanPlan plan = Parse(DesignExample).Evaluate(Call("12125551234"));

        Assert.Collection(
            plan.Steps,
            step => Assert.Equal(new LogStep("US number"), step),
            step =>
            {
                DialStep dial = Assert.IsType<DialStep>(step);
                Assert.Equal("12125551234@myprovider", dial.RawText);
                DialLeg leg = Assert.Single(Assert.Single(dial.Dial.Groups).Legs);
                Assert.Equal("12125551234", leg.User);
                Assert.Equal(new ProviderRoute("myprovider"), leg.Route);
            });
        Assert.Equal(4, plan.MatchedRule?.Line);
    }

    [Fact]
    public void Evaluate_DesignExampleLeadingZero_DialsCaptureGroupWithFallbackGroup()
    {
        DialplanPlan plan = Parse(DesignExample).Evaluate(Call("0123"));

        DialStep dial = Assert.IsType<DialStep>(Assert.Single(plan.Steps));
        Assert.Equal("123@myprovider|123@backup", dial.RawText);
        Assert.Collection(
            dial.Dial.Groups,
            group => Assert.Equal(new ProviderRoute("myprovider"), Assert.Single(group.Legs).Route),
            group => Assert.Equal(new ProviderRoute("backup"), Assert.Single(group.Legs).Route));
        Assert.All(dial.Dial.Groups, group => Assert.Equal("123", Assert.Single(group.Legs).User));
    }

    [Fact]
    public void Evaluate_DesignExampleNoRuleMatches_UsesElse()
    {
        DialplanPlan plan = Parse(DesignExample).Evaluate(Call("999"));

        Assert.Equal(new RespondStep(404, "No route"), Assert.Single(plan.Steps));
        Assert.Equal(new DialplanRuleMatch(6, "else sys.Respond(404, \"No route\")"), plan.MatchedRule);
    }

    [Fact]
    public void Evaluate_NoMatchAndNoElse_Responds404NotFound()
    {
        DialplanPlan plan = Parse("when \"hold\" then sys.Dial(\"moh@local\")").Evaluate(Call("5551234"));

        Assert.Equal(new RespondStep(404, "Not Found"), Assert.Single(plan.Steps));
        Assert.Null(plan.MatchedRule);
    }

    [Fact]
    public void Evaluate_StoryDialplan_DialsVoiceAppAsXferToken()
    {
        RulesDialplan dialplan = Parse("when /^232$/ then sys.Dial(\"app@voice.example.com[fu=xfer-#{sys.CallNumber}]\")");

        DialStep dial = Assert.IsType<DialStep>(Assert.Single(dialplan.Evaluate(Call("232", callNumber: 4711)).Steps));

        DialLeg leg = Assert.Single(Assert.Single(dial.Dial.Groups).Legs);
        Assert.Equal("xfer-4711", leg.Options.FromUser);
        Assert.IsType<DirectRoute>(leg.Route);
        Assert.Equal(new RespondStep(404, "Not Found"), Assert.Single(dialplan.Evaluate(Call("233")).Steps));
    }

    [Fact]
    public void Evaluate_TransferTemplateWithAccountName_RingsThatAccount()
    {
        DialplanPlan plan = Parse(DialplanTemplates.Transfer).Evaluate(Call("bob"));

        DialStep dial = Assert.IsType<DialStep>(Assert.Single(plan.Steps));
        DialLeg leg = Assert.Single(Assert.Single(dial.Dial.Groups).Legs);
        Assert.Equal("bob", leg.User);
        Assert.IsType<LocalRoute>(leg.Route);
    }

    [Fact]
    public void Evaluate_TransferTemplateWithNumber_RespondsNoRouteNamingIt()
    {
        DialplanPlan plan = Parse(DialplanTemplates.Transfer).Evaluate(Call("5551234"));

        Assert.Equal(new RespondStep(404, "No route for 5551234"), Assert.Single(plan.Steps));
    }

    [Fact]
    public void Evaluate_EveryVariable_IsInterpolated()
    {
        RulesDialplan dialplan = Parse(
            "when /^(\\d)(\\d+)$/ then sys.Log(\"#{req.URI.User}|#{req.URI.Host}|#{req.Header.From.FromURI.User}|#{req.Header.CallId}|#{sys.Username}|#{sys.CallNumber}|${dst}|${exten}|$1|#{$2}\")");
        DialplanContext context = new("0123", "sip.example.org", "carol", "abc@pc33", "alice", 42, Routes);

        LogStep log = Assert.IsType<LogStep>(Assert.Single(dialplan.Evaluate(context).Steps));

        Assert.Equal("0123|sip.example.org|carol|abc@pc33|alice|42|0123|0123|0|123", log.Text);
    }

    [Fact]
    public void Evaluate_EscapedCharacters_AreLiteral()
    {
        RulesDialplan dialplan = Parse("else sys.Log(\"say \\\"hi\\\" \\\\ \\#{sys.Username} \\$1\")");

        LogStep log = Assert.IsType<LogStep>(Assert.Single(dialplan.Evaluate(Call("1")).Steps));

        Assert.Equal("say \"hi\" \\ #{sys.Username} $1", log.Text);
    }

    [Fact]
    public void Evaluate_CaseWrapperWithMultiLineBodies_RunsActionsInOrder()
    {
        RulesDialplan dialplan = Parse(
            """
            case req.URI.User
              when /^1/ then
                sys.Log("one")
                sys.Dial("${dst}@myprovider", 30, 3600)
              else
                sys.Respond(403, "Forbidden")
            end
            """);

        DialplanPlan one = dialplan.Evaluate(Call("123"));
        DialplanPlan other = dialplan.Evaluate(Call("9"));

        Assert.Equal(new LogStep("one"), one.Steps[0]);
        DialStep dial = Assert.IsType<DialStep>(one.Steps[1]);
        Assert.Equal((30, 3600), (dial.RingSeconds, dial.MaxCallSeconds));
        Assert.Equal(new DialplanRuleMatch(2, "when /^1/ then"), one.MatchedRule);
        Assert.Equal(new RespondStep(403, "Forbidden"), Assert.Single(other.Steps));
        Assert.Equal(5, other.MatchedRule?.Line);
    }

    [Fact]
    public void Evaluate_RubyCallsWithoutParentheses_Work()
    {
        RulesDialplan dialplan = Parse("when \"busy\" then sys.Log \"busy test\"; sys.Respond 486, \"Busy Here\"");

        DialplanPlan plan = dialplan.Evaluate(Call("busy"));

        Assert.Equal(new DialplanStep[] { new LogStep("busy test"), new RespondStep(486, "Busy Here") }, plan.Steps);
    }

    [Fact]
    public void Evaluate_HashInsideStringsAndRegexes_IsNotAComment()
    {
        RulesDialplan dialplan = Parse(
            """
            # a comment line
            when /^#31#(\d+)$/ then sys.Log("hide # for $1") # trailing comment
            when "#", "a#b" then sys.Log("hash")  # another
            """);

        Assert.Equal(new LogStep("hide # for 555"), Assert.Single(dialplan.Evaluate(Call("#31#555")).Steps));
        Assert.Equal(new LogStep("hash"), Assert.Single(dialplan.Evaluate(Call("a#b")).Steps));
        Assert.Equal(2, dialplan.RuleCount);
    }

    [Fact]
    public void Evaluate_RegexWithIgnoreCaseFlag_MatchesEitherCase()
    {
        RulesDialplan dialplan = Parse("when /^alice$/i then sys.Dial(\"alice@local\")");

        Assert.IsType<DialStep>(Assert.Single(dialplan.Evaluate(Call("ALICE")).Steps));
        Assert.Equal(new RespondStep(404, "Not Found"), Assert.Single(Parse("when /^alice$/ then sys.Dial(\"alice@local\")").Evaluate(Call("ALICE")).Steps));
    }

    [Fact]
    public void Evaluate_LiteralMatcher_IsCaseSensitive()
    {
        RulesDialplan dialplan = Parse("when \"hold\" then sys.Log(\"x\")");

        Assert.Null(dialplan.Evaluate(Call("HOLD")).MatchedRule);
    }

    [Fact]
    public void Evaluate_CallerValueWithDialStringSyntax_SkipsDialAndWarns()
    {
        RulesDialplan dialplan = Parse("when /^(.+)$/ then sys.Dial(\"$1@local\")");

        DialplanPlan plan = dialplan.Evaluate(Call("bob@evil.example.com|x"));

        Assert.Equal(new RespondStep(404, "Not Found"), Assert.Single(plan.Steps));
        Assert.Contains("can't be part of a dial string", Assert.Single(plan.Warnings));
    }

    [Fact]
    public void Evaluate_CallerValueEscapingALineBreak_SkipsDialAndWarns()
    {
        RulesDialplan dialplan = Parse("when /^(.+)$/ then sys.Dial(\"$1@local\"); sys.Log(\"fallback\")");

        DialplanPlan plan = dialplan.Evaluate(Call("bob%0D%0A"));

        Assert.Equal(new LogStep("fallback"), Assert.Single(plan.Steps));
        Assert.Contains("is not valid", Assert.Single(plan.Warnings));
    }

    [Fact]
    public void Evaluate_ControlCharactersInRespondAndLog_BecomeSpaces()
    {
        RulesDialplan dialplan = Parse("else sys.Log(\"dialled #{req.URI.User}\"); sys.Respond(404, \"No route for #{req.URI.User}\")");

        DialplanPlan plan = dialplan.Evaluate(Call("1\r\nVia: x"));

        Assert.Equal(new DialplanStep[] { new LogStep("dialled 1  Via: x"), new RespondStep(404, "No route for 1  Via: x") }, plan.Steps);
    }

    [Fact]
    public void Evaluate_CaptureGroupOfOtherMatcher_IsEmpty()
    {
        RulesDialplan dialplan = Parse("when \"zero\", /^0(\\d+)$/ then sys.Log(\"[$1]\")");

        Assert.Equal(new LogStep("[]"), Assert.Single(dialplan.Evaluate(Call("zero")).Steps));
        Assert.Equal(new LogStep("[42]"), Assert.Single(dialplan.Evaluate(Call("042")).Steps));
    }

    [Fact]
    public void Evaluate_SeveralRulesMatch_FirstOneWins()
    {
        RulesDialplan dialplan = Parse(
            """
            when /^1/ then sys.Log("first")
            when /^12/ then sys.Log("second")
            """);

        DialplanPlan plan = dialplan.Evaluate(Call("123"));

        Assert.Equal(new LogStep("first"), Assert.Single(plan.Steps));
        Assert.Equal(1, plan.MatchedRule?.Line);
    }
}

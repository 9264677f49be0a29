using Portal.Sip.Dialplans;

namespace Portal.Tests.Sip.Dialplans;

public sealed class AsteriskPatternTests
{
    private static bool Matches(string pattern, string dialled) =>
        DialplanTestData.Parse($"when {pattern} then sys.Log(\"matched\")").Evaluate(DialplanTestData.Call(dialled)).MatchedRule is not null;

    [Theory]
    [InlineData("_X", "0", true)]
    [InlineData("_X", "9", true)]
    [InlineData("_X", "a", false)]
    [InlineData("_X", "55", false)]
    [InlineData("_Z", "0", false)]
    [InlineData("_Z", "1", true)]
    [InlineData("_N", "1", false)]
    [InlineData("_N", "2", true)]
    [InlineData("_nxx", "234", true)]
    [InlineData("_[1-5]", "3", true)]
    [InlineData("_[1-5]", "6", false)]
    [InlineData("_[135]X", "34", true)]
    [InlineData("_[135]X", "24", false)]
    [InlineData("_[12-4]", "3", true)]
    [InlineData("_9011.", "9011", false)]
    [InlineData("_9011.", "90112", true)]
    [InlineData("_9011.", "9011abc", true)]
    [InlineData("_9011!", "9011", true)]
    [InlineData("_9011!", "901123", true)]
    [InlineData("_1NXXNXXXXXX", "12125551234", true)]
    [InlineData("_1NXXNXXXXXX", "11125551234", false)]
    [InlineData("_1NXXNXXXXXX", "1212555123", false)]
    [InlineData("_1-NXX-NXX-XXXX", "12125551234", true)]
    [InlineData("_*72X.", "*7212", true)]
    [InlineData("_#X", "#5", true)]
    [InlineData("_+X.", "+4420", true)]
    [InlineData("_1a.", "1abc", true)]
    [InlineData("_1a.", "1Abc", false)]
    public void Evaluate_AsteriskPattern_MatchesAsAsteriskDoes(string pattern, string dialled, bool expected)
    {
        Assert.Equal(expected, Matches(pattern, dialled));
    }

    [Fact]
    public void Evaluate_PatternInList_MatchesAnyOfThem()
    {
        RulesDialplan dialplan = DialplanTestData.Parse("when _2XX, _3XX, \"operator\" then sys.Log(\"internal\")");

        Assert.NotNull(dialplan.Evaluate(DialplanTestData.Call("312")).MatchedRule);
        Assert.NotNull(dialplan.Evaluate(DialplanTestData.Call("operator")).MatchedRule);
        Assert.Null(dialplan.Evaluate(DialplanTestData.Call("412")).MatchedRule);
    }
}

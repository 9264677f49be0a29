using Portal.Services;
using Portal.Sip.Dialplans;

namespace Portal.Tests.Sip.Dialplans;

public sealed class RulesDialplanValidatorTests
{
    private static readonly string[] Providers = ["myprovider", "backup"];
    private static readonly string[] Domains = ["localhost", "sip.example.org"];

    private static IReadOnlyList<DialplanError> Validate(string source) => RulesDialplanValidator.Validate(source, Providers, Domains);

    [Fact]
    public void Validate_DesignExampleWithItsProviders_HasNoErrors()
    {
        Assert.Empty(Validate(DialplanTestData.DesignExample));
    }

    [Fact]
    public void Validate_DesignExampleWithoutProviders_FlagsEachUnknownProvider()
    {
        IReadOnlyList<DialplanError> errors = RulesDialplanValidator.Validate(DialplanTestData.DesignExample, [], Domains);

        Assert.Equal(
            new[]
            {
                new DialplanError(4, 63, "Unknown provider 'myprovider': add it on the Providers page or use a full host name."),
                new DialplanError(5, 35, "Unknown provider 'myprovider': add it on the Providers page or use a full host name."),
                new DialplanError(5, 49, "Unknown provider 'backup': add it on the Providers page or use a full host name."),
            },
            errors);
    }

    [Fact]
    public void Validate_TransferTemplate_HasNoErrors()
    {
        Assert.Empty(RulesDialplanValidator.Validate(DialplanTemplates.Transfer, [], ["localhost"]));
    }

    [Theory]
    [InlineData("when \"a\" then sys.Dial(\"1234@myprovider[zz=1]\")", 41, "Unknown option 'zz'")]
    [InlineData("when \"a\" then sys.Dial(\"${dst}@myprovder\")", 32, "Unknown provider 'myprovder'")]
    [InlineData("when \"a\" then sys.Dial(\"#{req.URI.User}\")", 40, "This destination has no host")]
    [InlineData("when \"a\" then sys.Dial(\"${dst}@myprovider[fu=#{sys.Username},rt=x]\")", 65, "Option rt (ring seconds) must be a whole number")]
    [InlineData("when \"a\" then sys.Dial(\"\")", 25, "The dial string is empty")]
    [InlineData("else sys.Dial(\"a\\\"b@local\")", 17, "'\"' is not allowed in the user part")]
    [InlineData("else sys.Dial(\"bob@local | \\\\x@local\")", 28, "'\\' is not allowed in the user part")]
    public void Validate_BadDialString_ReportsItAtItsSourceColumn(string source, int column, string message)
    {
        DialplanError error = Assert.Single(Validate(source));

        Assert.Equal((1, column), (error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("when /^(\\d+)$/ then sys.Dial(\"$1@myprovider[fu=#{sys.Username}]\")")]
    [InlineData("else sys.Dial(\"#{req.URI.User}@#{req.URI.Host}\")")]
    [InlineData("else sys.Dial(\"${exten}@sip.other.net\")")]
    [InlineData("else sys.Dial(\"bob@localhost & alice@local\")")]
    [InlineData("else sys.Dial(\"1234@192.0.2.10:5062 | 1234@[2001:db8::1]\")")]
    [InlineData("else sys.Dial(\"${dst}@myprovider[rt=#{sys.CallNumber}]\")")]
    public void Validate_GoodOrInterpolatedDialString_HasNoErrors(string source)
    {
        Assert.Empty(Validate(source));
    }

    [Fact]
    public void Validate_ParseAndDialStringErrors_AreAllReported()
    {
        IReadOnlyList<DialplanError> errors = Validate(
            """
            when /^(12$/ then sys.Dial("1234@nowhere")
            when "a" then sys.Hangup()
            else sys.Dial("x@local[rt=0]", 30)
            """);

        Assert.Equal(
            new[] { (1, 6), (1, 34), (2, 15), (3, 27) },
            errors.Select(e => (e.Line, e.Column)).ToArray());
        Assert.StartsWith("Unknown provider 'nowhere'", errors[1].Message, StringComparison.Ordinal);
    }
}

using Portal.Sip.Dialplans;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Dialplans;

/// <summary>Save-time warnings for legs the direct-dialling policy would refuse, from the host as written.</summary>
public sealed class DirectDialWarningTests
{
    private static readonly string[] Providers = ["myprovider"];
    private static readonly string[] Domains = ["sip.example.org"];

    [Fact]
    public void DefaultPolicy_LiteralInwardHosts_AreWarnedAtTheHost()
    {
        const string source = "when \"1\" then sys.Dial(\"app@127.0.0.1:5080\")\nwhen \"2\" then sys.Dial(\"${dst}@pbx.localhost|x@[::1]\")";

        var warnings = RulesDialplanValidator.DirectDialWarnings(source, Providers, Domains, DirectDialPolicy.Default);

        Assert.Equal([(1, 29), (2, 32), (2, 48)], warnings.Select(w => (w.Line, w.Column)));
        Assert.All(warnings, w => Assert.Contains("direct dialling to this network is not allowed", w.Message));
    }

    [Fact]
    public void DefaultPolicy_PublicNamesProvidersAndLocal_AreNotWarned()
    {
        const string source = "when \"1\" then sys.Dial(\"app@voice.example.com|$1@myprovider|bob@local|bob@sip.example.org|x@192.0.2.20\")";

        Assert.Empty(RulesDialplanValidator.DirectDialWarnings(source, Providers, Domains, DirectDialPolicy.Default));
    }

    [Fact]
    public void DirectDiallingOff_EveryWrittenDirectLeg_IsWarned()
    {
        const string source = "when \"1\" then sys.Dial(\"app@voice.example.com|$1@myprovider\")";

        var warning = Assert.Single(RulesDialplanValidator.DirectDialWarnings(source, Providers, Domains, DirectDialPolicy.Parse(false, null)));

        Assert.Equal((1, 29), (warning.Line, warning.Column));
        Assert.Contains("direct dialling is not allowed", warning.Message);
    }
}

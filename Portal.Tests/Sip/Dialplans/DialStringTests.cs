using Portal.Sip.Dialplans;

namespace Portal.Tests.Sip.Dialplans;

public sealed class DialStringTests
{
    private static readonly DialStringContext Routes = new(["myprovider", "backup"], ["sip.example.org"]);

    private static DialString Parse(string text)
    {
        DialStringParseResult result = DialString.Parse(text, Routes);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Value;
    }

    private static DialLeg SingleLeg(string text) => Assert.Single(Assert.Single(Parse(text).Groups).Legs);

    [Fact]
    public void Parse_NumberAtProvider_RoutesThroughProvider()
    {
        DialLeg leg = SingleLeg("1234@myprovider");

        Assert.Equal(new DialLeg("1234", "myprovider", null, new ProviderRoute("myprovider"), DialLegOptions.None, "1234@myprovider"), leg);
    }

    [Fact]
    public void Parse_ProviderNameInOtherCase_UsesProviderSpelling()
    {
        Assert.Equal(new ProviderRoute("myprovider"), SingleLeg("1234@MyProvider").Route);
    }

    [Theory]
    [InlineData("bob@local")]
    [InlineData("bob@LOCAL")]
    [InlineData("bob@sip.example.org")]
    public void Parse_LocalOrHostedDomain_RingsAccountPhones(string text)
    {
        DialLeg leg = SingleLeg(text);

        Assert.Equal("bob", leg.User);
        Assert.Same(DialRoute.Local, leg.Route);
    }

    [Fact]
    public void Parse_HostedDomainWithPort_IsStillLocal()
    {
        DialLeg leg = SingleLeg("bob@sip.example.org:5060");

        Assert.IsType<LocalRoute>(leg.Route);
        Assert.Equal(5060, leg.Port);
    }

    [Fact]
    public void Parse_OtherHostWithPort_IsDialledDirectly()
    {
        DialLeg leg = SingleLeg("app@voice.example.com:5070");

        Assert.Equal(5070, leg.Port);
        Assert.Equal("sip:app@voice.example.com:5070", Assert.IsType<DirectRoute>(leg.Route).Uri.ToString());
    }

    [Fact]
    public void Parse_SipUriWithParameter_KeepsParameterInDirectUri()
    {
        DialLeg leg = SingleLeg("sip:app@voice.example.com;transport=tcp");

        DirectRoute route = Assert.IsType<DirectRoute>(leg.Route);
        Assert.Equal("tcp", route.Uri.Transport);
        Assert.Equal("sip:app@voice.example.com;transport=tcp", route.Uri.ToString());
        Assert.Equal("app", leg.User);
    }

    [Fact]
    public void Parse_SipsUri_IsSecure()
    {
        Assert.True(Assert.IsType<DirectRoute>(SingleLeg("sips:app@voice.example.com").Route).Uri.IsSecure);
    }

    [Fact]
    public void Parse_Ipv6Host_IsDialledDirectly()
    {
        DialLeg leg = SingleLeg("1000@[2001:db8::1]:5080");

        Assert.Equal("[2001:db8::1]", leg.Host);
        Assert.Equal("sip:1000@[2001:db8::1]:5080", Assert.IsType<DirectRoute>(leg.Route).Uri.ToString());
    }

    [Fact]
    public void Parse_EveryOption_IsRead()
    {
        DialLeg leg = SingleLeg("1234@myprovider[fu=alice, fd=Front Desk, fh=example.com, rt=30, cd=3600, dt=5]");

        Assert.Equal(new DialLegOptions("alice", "Front Desk", "example.com", 30, 3600, 5), leg.Options);
        Assert.Equal("1234@myprovider[fu=alice, fd=Front Desk, fh=example.com, rt=30, cd=3600, dt=5]", leg.Text);
    }

    [Fact]
    public void Parse_EscapedUserParts_AreUnescaped()
    {
        DialLeg leg = SingleLeg("%2B15551234@myprovider[fu=%2A72]");

        Assert.Equal(("+15551234", "*72"), (leg.User, leg.Options.FromUser));
    }

    [Fact]
    public void Parse_DialCharacters_AreAllowedInUser()
    {
        Assert.Equal("+1*2#3._!~-x", SingleLeg("+1*2#3._!~-x@myprovider").User);
    }

    [Fact]
    public void Parse_PipesAndAmpersands_MakeSequentialGroupsOfParallelLegs()
    {
        DialString dial = Parse(" alice@local & bob@local |1234@myprovider&sip:desk@pbx.example.com | 5678@backup ");

        Assert.Collection(
            dial.Groups,
            group => Assert.Equal(["alice", "bob"], group.Legs.Select(l => l.User)),
            group => Assert.Equal(["1234", "desk"], group.Legs.Select(l => l.User)),
            group => Assert.Equal(["5678"], group.Legs.Select(l => l.User)));
        Assert.Equal("bob@local", dial.Groups[0].Legs[1].Text);
    }

    [Theory]
    [InlineData("1234@myprovider[xx=1]", 17, "Unknown option 'xx': use fu (From user)")]
    [InlineData("1234@myprovider[rt=abc]", 20, "Option rt (ring seconds) must be a whole number from 1 to 600, not 'abc'.")]
    [InlineData("1234@myprovider[rt=0]", 20, "Option rt (ring seconds) must be a whole number from 1 to 600")]
    [InlineData("1234@myprovider[cd=99999999]", 20, "Option cd (maximum call seconds) must be a whole number from 1 to 86400")]
    [InlineData("1234@myprovider[dt=601]", 20, "Option dt (delay seconds) must be a whole number from 0 to 600")]
    [InlineData("1234@myprovider[fu=a,fu=b]", 22, "Option 'fu' is given twice")]
    [InlineData("1234@myprovider[fu]", 17, "Write the option 'fu' as key=value")]
    [InlineData("1234@myprovider[fu=]", 19, "Give option 'fu' a value after '='")]
    [InlineData("1234@myprovider[fu=a", 16, "Close the options with ']'")]
    [InlineData("1234@myprovider[]", 16, "Write options between the brackets")]
    [InlineData("1234@myprovider[fu=a,]", 21, "Remove the extra ','")]
    [InlineData("1234@myprovider[fu=a b]", 21, "A space is not allowed in the From user (fu) 'a b'")]
    [InlineData("1234@myprovider[fd=a\"b]", 21, "'\"' is not allowed in the From display name (fd)")]
    [InlineData("1234@myprovider[fh=bad host]", 23, "'bad host' is not a host name")]
    [InlineData("1234", 5, "This destination has no host: add '@' and a host after the user")]
    [InlineData("1234@", 6, "Write a host after '@'")]
    [InlineData("@local", 1, "Write the user part before '@'")]
    [InlineData("a@b.com:0", 8, "Write the port as a number from 1 to 65535")]
    [InlineData("a@b.com:70000", 8, "Write the port as a number from 1 to 65535")]
    [InlineData("1234@myprovider:5060", 16, "Remove the port: provider 'myprovider' uses the server set on the Providers page.")]
    [InlineData("bob@local:5060", 10, "Remove the port: 'local' rings the account's registered phones.")]
    [InlineData("sips:1234@myprovider", 11, "'sips:' and URI parameters only apply to hosts dialled directly")]
    [InlineData("1234@myprovider;transport=tcp", 6, "'sips:' and URI parameters only apply to hosts dialled directly")]
    [InlineData("", 1, "The dial string is empty")]
    [InlineData("   ", 1, "The dial string is empty")]
    [InlineData("a@local|", 8, "Write a destination after '|', or remove the '|'.")]
    [InlineData("|a@local", 1, "Write a destination before '|'")]
    [InlineData("a@local||b@local", 9, "Write a destination before '|'")]
    [InlineData("a@local & & b@local", 11, "Write a destination before '&'")]
    [InlineData("sip:a@b.com?Subject=x", 12, "Headers in a URI ('?...') can't be dialled")]
    [InlineData("sip:a:pw@b.com", 6, "':' is not allowed in the user part 'a:pw'")]
    [InlineData("sip:b.com", 10, "Write the user and '@' in the URI")]
    [InlineData("a@b..com", 3, "'b..com' has an empty part between dots")]
    [InlineData("a@[::1", 3, "Close the IPv6 address with ']'")]
    [InlineData("a@[zz]", 3, "'[zz]' is not an IPv6 address")]
    [InlineData("a@[fe80::1%eth0]", 3, "'[fe80::1%eth0]' is not an IPv6 address")]
    [InlineData("a@[192.0.2.1]", 3, "'[192.0.2.1]' is not an IPv6 address")]
    [InlineData("a@999.1.1.1", 3, "'999.1.1.1' is not an IPv4 address")]
    [InlineData("a@local x", 9, "Unexpected 'x' after 'a@local': separate destinations with '&' (ring together) or '|' (try next).")]
    [InlineData("a@b.com;=x", 8, "';=x' is not a URI parameter")]
    public void Parse_Mistake_ReportsItsColumn(string text, int column, string message)
    {
        DialStringParseResult result = DialString.Parse(text, Routes);

        Assert.False(result.Succeeded);
        DialStringError error = Assert.Single(result.Errors);
        Assert.Equal(column, error.Column);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bob\r\nVia: x@local", 4, "A carriage return (CR) is not allowed in the user part")]
    [InlineData("bob\n@local", 4, "A line feed (LF) is not allowed in the user part")]
    [InlineData("<sip:x>@local", 1, "'<' is not allowed in the user part")]
    [InlineData("bob>@local", 4, "'>' is not allowed in the user part")]
    [InlineData("bob smith@local", 4, "A space is not allowed in the user part")]
    [InlineData("a\"b@local", 2, "'\"' is not allowed in the user part")]
    [InlineData("bob%0D%0A@local", 4, "'%0D' in the user part stands for a carriage return (CR), which is not allowed")]
    [InlineData("bob%40evil@local", 4, "'%40' in the user part stands for '@', which is not allowed")]
    [InlineData("bob%3Cx@local", 4, "'%3C' in the user part stands for '<', which is not allowed")]
    [InlineData("bob%2@local", 4, "'%' in the user part must start an escape of two hex digits")]
    [InlineData("1@myprovider[fu=a\r\nX-Evil: 1]", 18, "A carriage return (CR) is not allowed in the From user (fu)")]
    [InlineData("1@myprovider[fd=Eve\r\nX-Evil: 1]", 20, "A carriage return (CR) is not allowed in the From display name (fd)")]
    [InlineData("1@myprovider[fu=a<b]", 18, "'<' is not allowed in the From user (fu)")]
    public void Parse_HeaderInjectionAttempt_IsRefused(string text, int column, string message)
    {
        DialStringParseResult result = DialString.Parse(text, Routes);

        Assert.Null(result.Value);
        DialStringError error = Assert.Single(result.Errors);
        Assert.Equal(column, error.Column);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralBadLegs_ReportsEveryError()
    {
        DialStringParseResult result = DialString.Parse("bad one@local & 1234@myprovider[zz=1] | x@y.com:0", Routes);

        Assert.Equal(new[] { 4, 33, 48 }, result.Errors.Select(e => e.Column).ToArray());
    }

    [Fact]
    public void Parse_TooManyLegs_IsRefused()
    {
        string text = string.Join(" & ", Enumerable.Range(1, 33).Select(n => $"{n}@myprovider"));

        DialStringError error = Assert.Single(DialString.Parse(text, Routes).Errors);

        Assert.Contains("at most 32 destinations", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyContext_OnlyLocalKeywordIsLocal()
    {
        DialStringParseResult result = DialString.Parse("1234@myprovider & bob@local", DialStringContext.Empty);

        Assert.True(result.Succeeded);
        Assert.IsType<DirectRoute>(result.Value.Groups[0].Legs[0].Route);
        Assert.IsType<LocalRoute>(result.Value.Groups[0].Legs[1].Route);
    }
}

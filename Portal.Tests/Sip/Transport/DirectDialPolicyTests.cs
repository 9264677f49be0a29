using System.Net;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transport;

public sealed class DirectDialPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:192.168.0.10")]
    public void Default_InwardAddress_IsRefused(string address) =>
        Assert.Equal(DirectDialPolicy.NetworkRefusal, DirectDialPolicy.Default.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("192.0.2.20")]
    [InlineData("8.8.8.8")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:8.8.8.8")]
    public void Default_PublicAddress_IsAllowed(string address) =>
        Assert.Null(DirectDialPolicy.Default.Refusal(IPAddress.Parse(address)));

    [Fact]
    public void None_DeniesNothing() =>
        Assert.Null(DirectDialPolicy.Parse(true, "none").Refusal(IPAddress.Loopback));

    [Fact]
    public void DefaultPlusAnEntry_DeniesBoth()
    {
        var policy = DirectDialPolicy.Parse(true, "default, 192.0.2.0/24");

        Assert.NotNull(policy.Refusal(IPAddress.Parse("192.0.2.20")));
        Assert.NotNull(policy.Refusal(IPAddress.Loopback));
        Assert.Null(policy.Refusal(IPAddress.Parse("198.51.100.1")));
    }

    [Fact]
    public void Disabled_RefusesEveryAddress() =>
        Assert.Equal(DirectDialPolicy.DisabledRefusal, DirectDialPolicy.Parse(false, "none").Refusal(IPAddress.Parse("8.8.8.8")));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/8,intranet")]
    public void Parse_BadEntry_SaysWhichAndWhatToWrite(string list)
    {
        var error = Assert.Throws<FormatException>(() => DirectDialPolicy.Parse(true, list));

        Assert.StartsWith("Sip:DirectDial:DeniedNetworks entry '", error.Message);
        Assert.Contains("write CIDRs", error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("[::1]", true)]
    [InlineData("localhost", true)]
    [InlineData("pbx.localhost", true)]
    [InlineData("voice.example.com", false)]
    [InlineData("192.0.2.20", false)]
    public void RefusalForWrittenHost_KnowsLiteralsAndLocalhostWithoutLookingUp(string host, bool refused) =>
        Assert.Equal(refused, DirectDialPolicy.Default.RefusalForWrittenHost(host) is not null);
}

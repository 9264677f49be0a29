using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls;
using Portal.Sip.Messages;
using Portal.Sip.Registrar;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Calls;

/// <summary>Direct legs follow the admin's <c>Sip:DirectDial</c> policy (DESIGN §10); local and provider legs do not.</summary>
public sealed class DirectDialPolicyCallTests
{
    [Theory]
    [InlineData("app@127.0.0.1:5080")]
    [InlineData("app@localhost:5080")]
    [InlineData("app@[::ffff:10.1.2.3]")]
    public async Task DefaultPolicy_LegToAnInwardAddress_IsRefused403AndNoInviteLeaves(string dialString)
    {
        var bench = new CallBench(directDial: DirectDialPolicy.Default);
        bench.Dialplans.Set("owner-1", "default", $"when \"232\" then sys.Dial(\"{dialString}\")");

        await bench.CallAsAliceAsync("232");

        var (refused, _) = await bench.Sender.WaitForResponseAsync(403, "a-leg-1");
        Assert.Equal("Forbidden - direct dialling to this network is not allowed", refused.ReasonPhrase);
        Assert.DoesNotContain(bench.Sender.Sent, s => s.Message is SipRequest { Method: var m } r && m == SipMethod.Invite && r.CallId != "a-leg-1");
    }

    [Fact]
    public async Task DefaultPolicy_RefusedLeg_TheDialMovesOnToTheNext()
    {
        var bench = new CallBench(directDial: DirectDialPolicy.Default);
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@127.0.0.1:5080|app@192.0.2.20:5080\")");

        await bench.CallAsAliceAsync("232");
        var (_, remote) = await bench.PlacedInviteAsync();

        Assert.Equal("udp:192.0.2.20:5080", remote.ToString());
    }

    [Fact]
    public async Task Disabled_DirectLegIsRefused_ButProviderAndLocalLegsAreDialled()
    {
        var bench = new CallBench(directDial: DirectDialPolicy.Parse(false, "none"));
        // The provider's server is on loopback: the owner configured it, so it is not a direct leg.
        bench.Providers.Providers["myprovider"] = new ProviderDialInfo("myprovider", SipUri.Parse("sip:127.0.0.1:5080"), "acct1", "secret", null, null);
        bench.Bindings.Bindings[2] =
            [new SipBindingRecord("sip:bob@10.0.0.5:5060", "udp:192.0.2.30:40000", "desk", bench.Time.GetUtcNow().UtcDateTime.AddMinutes(5), "r1", 1)];
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20:5080\"); sys.Dial(\"5551234@myprovider&bob@local\")");

        await bench.CallAsAliceAsync("232");
        var (_, provider) = await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:5551234@127.0.0.1:5080");
        var (_, phone) = await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:bob@10.0.0.5:5060");

        Assert.Equal(("udp:127.0.0.1:5080", "udp:192.0.2.30:40000"), (provider.ToString(), phone.ToString()));
        Assert.DoesNotContain(bench.Sender.Sent, s => s.Remote.ToString() == "udp:192.0.2.20:5080");
    }

    [Fact]
    public async Task Disabled_OnlyADirectLeg_CallerGetsTheRefusal()
    {
        var bench = new CallBench(directDial: DirectDialPolicy.Parse(false, null));
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20:5080\")");

        await bench.CallAsAliceAsync("232");

        var (refused, _) = await bench.Sender.WaitForResponseAsync(403, "a-leg-1");
        Assert.Equal("Forbidden - direct dialling is not allowed", refused.ReasonPhrase);
    }

    [Fact]
    public async Task NoneDenied_LegToLoopback_IsDialled()
    {
        var bench = new CallBench(directDial: DirectDialPolicy.Parse(true, "none"));
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@127.0.0.1:5080\")");

        await bench.CallAsAliceAsync("232");
        var (_, remote) = await bench.PlacedInviteAsync();

        Assert.Equal("udp:127.0.0.1:5080", remote.ToString());
    }
}

using Portal.Sip.Calls;
using Portal.Sip.Registrar;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>Calls to an account at a hosted domain (DESIGN §5): no authentication; its in dialplan, or its phones.</summary>
public sealed class CallManagerInboundTests
{
    private readonly CallBench bench = new();

    [Fact]
    public async Task CallToAnAccount_WithoutInDialplan_RingsEveryRegisteredPhoneOverItsFlow()
    {
        bench.Bindings.Bindings[2] =
        [
            new SipBindingRecord("sip:bob@10.0.0.5:5060", "udp:192.0.2.30:40000", "desk", bench.Time.GetUtcNow().UtcDateTime.AddMinutes(5), "r1", 1),
            new SipBindingRecord("sip:bob@10.0.0.6:5060", "udp:192.0.2.31:40000", "mobile", bench.Time.GetUtcNow().UtcDateTime.AddMinutes(5), "r2", 1),
            new SipBindingRecord("sip:bob@10.0.0.7:5060", "udp:192.0.2.32:40000", "stale", bench.Time.GetUtcNow().UtcDateTime.AddMinutes(-1), "r3", 1),
        ];

        await bench.ReceiveAsync(Invite("bob", fromHost: "example.org"), Phone);

        var (desk, deskFlow) = await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:bob@10.0.0.5:5060");
        var (_, mobileFlow) = await bench.PlacedInviteAsync(which: r => r.Uri.ToString() == "sip:bob@10.0.0.6:5060");
        Assert.Equal(("udp:192.0.2.30:40000", "udp:192.0.2.31:40000"), (deskFlow.ToString(), mobileFlow.ToString()));
        Assert.Equal("sip:bob@sip.example.test", desk.To!.Uri.ToString());
        Assert.DoesNotContain(bench.Sender.Sent, s => s.Remote.ToString() == "udp:192.0.2.32:40000");
        var call = Assert.Single(bench.Calls.GetCalls());
        Assert.Equal((CallDirection.Inbound, "owner-2", "bob", null), (call.Direction, call.OwnerId, call.AccountUsername, call.DialplanName));
    }

    [Fact]
    public async Task CallToAnAccount_WhosePhoneStoppedAnsweringKeepAlives_DoesNotRingIt()
    {
        var expires = bench.Time.GetUtcNow().UtcDateTime.AddMinutes(5);
        bench.Bindings.Bindings[2] =
        [
            new SipBindingRecord("sip:bob@192.168.1.50:5060", "udp:192.0.2.30:40000", "gone", expires, "r1", 1, UnreachableSince: expires.AddMinutes(-6)),
        ];

        await bench.ReceiveAsync(Invite("bob", fromHost: "example.org"), Phone);

        await bench.Sender.WaitForResponseAsync(480, "a-leg-1");
        Assert.DoesNotContain(bench.Sender.Sent, s => s.Remote.ToString() == "udp:192.0.2.30:40000");
    }

    [Fact]
    public async Task CallToAnAccount_WithNothingRegistered_Gets480()
    {
        await bench.ReceiveAsync(Invite("bob", fromHost: "example.org"), Phone);

        await bench.Sender.WaitForResponseAsync(480, "a-leg-1");
    }

    [Fact]
    public async Task CallToAnAccount_WithAnInDialplan_RunsIt()
    {
        bench.Accounts.Accounts["bob"] = bench.Accounts.Accounts["bob"] with { InDialplanName = "in" };
        bench.Dialplans.Set("owner-2", "in", "else sys.Respond(486, \"Bob is busy\")");

        await bench.ReceiveAsync(Invite("bob", fromHost: "example.org"), Phone);

        var (busy, _) = await bench.Sender.WaitForResponseAsync(486, "a-leg-1");
        Assert.Equal("Bob is busy", busy.ReasonPhrase);
    }

    [Fact]
    public async Task CallToADisabledAccount_Gets403()
    {
        bench.Accounts.Accounts["bob"] = bench.Accounts.Accounts["bob"] with { IsDisabled = true };

        await bench.ReceiveAsync(Invite("bob", fromHost: "example.org"), Phone);

        await bench.Sender.WaitForResponseAsync(403, "a-leg-1");
    }

    [Fact]
    public async Task CallToASuspendedOwnersAccount_Gets403()
    {
        bench.Accounts.Accounts["bob"] = bench.Accounts.Accounts["bob"] with { IsOwnerSuspended = true };

        await bench.ReceiveAsync(Invite("bob", fromHost: "example.org"), Phone);

        await bench.Sender.WaitForResponseAsync(403, "a-leg-1");
    }

    [Fact]
    public async Task CallClaimingOneOfOurDomains_IsChallengedEvenToAnAccount()
    {
        await bench.ReceiveAsync(Invite("bob", fromHost: CallBench.Realm), Phone);

        await bench.Sender.WaitForResponseAsync(407, "a-leg-1");
    }
}

using System.Net;
using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Auth;
using Portal.Sip.Limits;

namespace Portal.Tests.Sip.Limits;

/// <summary>
/// What a node does with the bans and failure counts it shares (DESIGN §11): it announces the bans it starts, holds
/// the ones other nodes start, and blocks when failures seen on every node together reach a limit.
/// </summary>
public sealed class SharedBansTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("203.0.113.66");
    private static readonly IPAddress Phone = IPAddress.Parse("198.51.100.7");

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeSharedBans cluster = new();
    private readonly List<SipBan> audited = [];

    [Fact]
    public void FloodGuard_BanStartedHere_IsAnnouncedOnce()
    {
        var guard = new FloodGuard(time, new SipLimitOptions { RequestsPerSecondPerAddress = 10, FloodBanSeconds = 60 }, shared: cluster);

        Enumerable.Range(0, 100).ToList().ForEach(_ => guard.Admit(Guesser));

        var ban = Assert.Single(cluster.Announced);
        Assert.Equal((SipBan.Flood, Guesser, TimeSpan.FromSeconds(60)), (ban.Kind, ban.Address, ban.Duration));
    }

    [Fact]
    public void FloodGuard_BanFromAnotherNode_DropsTheAddressForWhatIsLeftOfIt()
    {
        var guard = new FloodGuard(time, new SipLimitOptions { RequestsPerSecondPerAddress = 10 });

        guard.Apply(new SipBan(SipBan.Flood, IPAddress.Parse("::ffff:203.0.113.66"), null, TimeSpan.FromSeconds(30), "over 10 requests/s"));

        Assert.False(guard.Admit(Guesser));
        Assert.True(guard.Admit(Phone));
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(guard.Admit(Guesser));
    }

    [Fact]
    public void FloodGuard_BanFromAnotherNode_NeverTouchesAnExemptNetwork()
    {
        var guard = new FloodGuard(time, new SipLimitOptions { RequestsPerSecondPerAddress = 10, FloodExemptNetworks = "203.0.113.0/24" });

        guard.Apply(new SipBan(SipBan.Flood, Guesser, null, TimeSpan.FromSeconds(30), "over 10 requests/s"));

        Assert.True(guard.Admit(Guesser));
    }

    [Fact]
    public void AuthFailures_ReachingTheLimitOnlyTogether_BlockTheAddressHere_AndAreAnnouncedAndAuditedOnce()
    {
        var limiter = Limiter(perAddress: 5, perAccount: 100);
        cluster.SeenElsewhere($"{SipBan.AuthAddress}:{Guesser}", 3);

        limiter.RecordFailure(Guesser, "alice");
        Assert.False(limiter.IsBlocked(Guesser, "alice"));
        limiter.RecordFailure(Guesser, "bob");

        // Two here and three elsewhere: five, though this node alone saw two.
        Assert.True(limiter.IsBlocked(Guesser, "carol"));
        Assert.False(limiter.IsBlocked(Phone, "alice"));
        var ban = Assert.Single(cluster.Announced);
        Assert.Equal((SipBan.AuthAddress, Guesser), (ban.Kind, ban.Address));
        Assert.Single(audited);
    }

    [Fact]
    public void AuthFailures_ReachingTheLimitHereFirst_AreAnnouncedOnce_NotAgainWhenTheSharedCountCatchesUp()
    {
        var limiter = Limiter(perAddress: 3, perAccount: 100);

        Enumerable.Range(0, 3).ToList().ForEach(_ => limiter.RecordFailure(Guesser, "alice"));

        Assert.True(limiter.IsBlocked(Guesser, "alice"));
        Assert.Single(cluster.Announced);
        Assert.Single(audited);
    }

    [Fact]
    public void AccountBlockFromAnotherNode_RefusesTheNameFromNewAddresses_ButNotFromItsOwnPhones()
    {
        var limiter = Limiter(perAddress: 100, perAccount: 5);
        limiter.RecordSuccess(Phone, "alice");

        limiter.Apply(new SipBan(SipBan.AuthAccount, Guesser, "alice", TimeSpan.FromMinutes(10), "5 failed digest answers for the name")
        {
            Account = "alice",
        });

        Assert.True(limiter.IsBlocked(Guesser, "alice"));
        Assert.False(limiter.IsBlocked(Phone, "alice"));
        Assert.False(limiter.IsBlocked(Guesser, "bob"));
        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.False(limiter.IsBlocked(Guesser, "alice"));
        // Held, not started here: nothing to announce or audit again.
        Assert.Empty(cluster.Announced);
        Assert.Empty(audited);
    }

    [Fact]
    public void AddressBlockFromAnotherNode_RefusesTheAddressWhateverTheName()
    {
        var limiter = Limiter(perAddress: 5, perAccount: 100);

        limiter.Apply(new SipBan(SipBan.AuthAddress, Guesser, null, TimeSpan.FromMinutes(10), "5 failed digest answers"));

        Assert.True(limiter.IsBlocked(Guesser, "anyone"));
        Assert.False(limiter.IsBlocked(Phone, "anyone"));
    }

    private AuthFailureLimiter Limiter(int perAddress, int perAccount) => new(time,
        new SipLimitOptions { AuthFailuresPerAddress = perAddress, AuthFailuresPerAccount = perAccount, AuthFailureWindowSeconds = 600 },
        bans: new BanList(audited), shared: cluster);

    private sealed class BanList(List<SipBan> bans) : IBanReport
    {
        public void BanStarted(SipBan ban) => bans.Add(ban);
    }
}

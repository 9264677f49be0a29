using System.Net;
using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Auth;
using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Auth;

public sealed class DigestAuthenticatorTests
{
    private const string Realm = "sip.example.test";
    private static readonly IPAddress Source = IPAddress.Parse("192.0.2.10");

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, SipAccountCredentials> accounts = [];
    private readonly DigestAuthenticator authenticator;

    public DigestAuthenticatorTests()
    {
        accounts["alice"] = Account("alice", "s3cret-pass");
        authenticator = new DigestAuthenticator(new Directory(accounts), new DigestNonces(time), new AuthFailureLimiter(time), Realm,
            [DigestAlgorithm.Md5, DigestAlgorithm.Sha256], ["baresip"]);
    }

    [Fact]
    public async Task AuthenticateAsync_NoCredentials_ChallengesWithMd5ThenSha256()
    {
        var result = await authenticator.AuthenticateAsync(SipTestMessages.Register("alice"), Source, proxy: false);

        Assert.False(result.IsAuthenticated);
        Assert.Equal(401, result.Response!.StatusCode);
        var challenges = result.Response.WwwAuthenticate;
        Assert.Equal(["MD5", "SHA-256"], challenges.Select(c => c.Algorithm));
        Assert.All(challenges, c => Assert.Equal(Realm, c.Realm));
        Assert.All(challenges, c => Assert.Contains("auth", c.QopOptions));
        Assert.NotNull(result.Response.To!.Tag);
    }

    [Fact]
    public async Task Challenge_ClientKnownToRejectUnknownAlgorithms_IsOfferedMd5Only()
    {
        var result = await authenticator.AuthenticateAsync(SipTestMessages.Register("alice", extraHeaders: "User-Agent: baresip v1.0.0 (x86_64/linux)"), Source, proxy: false);
        Assert.Equal(["MD5"], result.Response!.WwwAuthenticate.Select(c => c.Algorithm));
    }

    [Fact]
    public async Task AuthenticateAsync_ProxyMode_Challenges407WithProxyAuthenticate()
    {
        var result = await authenticator.AuthenticateAsync(SipTestMessages.Register("alice"), Source, proxy: true);
        Assert.Equal(407, result.Response!.StatusCode);
        Assert.Equal(2, result.Response.ProxyAuthenticate.Count);
    }

    [Theory]
    [InlineData("MD5", "auth")]
    [InlineData("SHA-256", "auth")]
    public async Task AuthenticateAsync_RightPassword_Authenticates(string algorithm, string? qop)
    {
        var nonce = await ChallengeNonceAsync();
        var request = SipTestMessages.Register("alice", extraHeaders:
            $"Authorization: {TestDigestClient.Header(algorithm, "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test", nonce, qop)}");

        var result = await authenticator.AuthenticateAsync(request, Source, proxy: false);

        Assert.True(result.IsAuthenticated);
        Assert.Equal("alice", result.Account!.Username);
    }

    [Fact]
    public async Task AuthenticateAsync_DigestUriDifferentFromRequestUri_IsVerifiedWithTheClientsUri()
    {
        // sipp puts the server's address in uri=, not the Request-URI (DESIGN §5).
        var nonce = await ChallengeNonceAsync();
        var request = SipTestMessages.Register("alice", extraHeaders:
            $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:127.0.0.1:5060", nonce)}");

        Assert.True((await authenticator.AuthenticateAsync(request, Source, proxy: false)).IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateAsync_WrongPasswordAndUnknownUser_GetTheSameAnswer()
    {
        var nonce = await ChallengeNonceAsync();
        var wrong = await authenticator.AuthenticateAsync(SipTestMessages.Register("alice", extraHeaders:
            $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "guess", "REGISTER", "sip:sip.example.test", nonce)}"), Source, false);
        var unknown = await authenticator.AuthenticateAsync(SipTestMessages.Register("mallory", extraHeaders:
            $"Authorization: {TestDigestClient.Header("MD5", "mallory", Realm, "guess", "REGISTER", "sip:sip.example.test", nonce)}"), Source, false);

        Assert.False(wrong.IsAuthenticated);
        Assert.Equal(403, wrong.Response!.StatusCode);
        Assert.Equal(wrong.Response.StatusCode, unknown.Response!.StatusCode);
        Assert.Equal(wrong.Response.ReasonPhrase, unknown.Response.ReasonPhrase);
        Assert.Equal(wrong.Response.Headers.Count, unknown.Response.Headers.Count);
    }

    [Fact]
    public async Task AuthenticateAsync_ReplayedNonceCount_IsNotAccepted()
    {
        var nonce = await ChallengeNonceAsync();
        var header = $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test", nonce)}";

        Assert.True((await authenticator.AuthenticateAsync(SipTestMessages.Register("alice", extraHeaders: header), Source, false)).IsAuthenticated);
        var replay = await authenticator.AuthenticateAsync(SipTestMessages.Register("alice", extraHeaders: header), Source, false);

        Assert.False(replay.IsAuthenticated);
        Assert.Equal(401, replay.Response!.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_HigherNonceCount_IsAccepted()
    {
        var nonce = await ChallengeNonceAsync();
        foreach (var nc in new[] { "00000001", "00000002" })
        {
            var request = SipTestMessages.Register("alice", extraHeaders:
                $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test", nonce, nc: nc)}");
            Assert.True((await authenticator.AuthenticateAsync(request, Source, false)).IsAuthenticated);
        }
    }

    [Fact]
    public async Task AuthenticateAsync_ExpiredNonce_ChallengesWithStaleTrue()
    {
        var nonce = await ChallengeNonceAsync();
        time.Advance(TimeSpan.FromSeconds(301));
        var request = SipTestMessages.Register("alice", extraHeaders:
            $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test", nonce)}");

        var result = await authenticator.AuthenticateAsync(request, Source, false);

        Assert.Equal(401, result.Response!.StatusCode);
        Assert.All(result.Response.WwwAuthenticate, c => Assert.True(c.Stale));
    }

    [Fact]
    public async Task AuthenticateAsync_ForgedNonce_IsChallengedNotAccepted()
    {
        var request = SipTestMessages.Register("alice", extraHeaders:
            $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test", new string('a', 64))}");
        var result = await authenticator.AuthenticateAsync(request, Source, false);
        Assert.Equal(401, result.Response!.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_DisabledAccount_IsForbidden()
    {
        accounts["alice"] = accounts["alice"] with { IsDisabled = true };
        var nonce = await ChallengeNonceAsync();
        var request = SipTestMessages.Register("alice", extraHeaders:
            $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test", nonce)}");

        var result = await authenticator.AuthenticateAsync(request, Source, false);

        Assert.Equal(403, result.Response!.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_ManyFailuresFromOneAddress_BlocksEvenTheRightPassword()
    {
        for (var i = 0; i < 20; i++)
        {
            var guess = await ChallengeNonceAsync();
            await authenticator.AuthenticateAsync(SipTestMessages.Register("alice", extraHeaders:
                $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, $"guess{i}", "REGISTER", "sip:sip.example.test", guess)}"), Source, false);
        }

        var nonce = await ChallengeNonceAsync();
        var right = SipTestMessages.Register("alice", extraHeaders:
            $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test", nonce)}");
        var blocked = await authenticator.AuthenticateAsync(right, Source, false);
        Assert.Equal(403, blocked.Response!.StatusCode);
        Assert.Contains("too many failed attempts", blocked.Response.ReasonPhrase);

        time.Advance(TimeSpan.FromMinutes(6));
        var fresh = await ChallengeNonceAsync();
        var later = SipTestMessages.Register("alice", extraHeaders:
            $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test", fresh)}");
        Assert.True((await authenticator.AuthenticateAsync(later, Source, false)).IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateAsync_AnswerWithoutQop_IsRefusedUnlessAnAdminAllowsIt()
    {
        // An RFC 2069 answer has no nonce count: a sniffed one could be replayed for the nonce's lifetime.
        var nonce = await ChallengeNonceAsync();
        var header = $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test", nonce, qop: null)}";

        var refused = await authenticator.AuthenticateAsync(SipTestMessages.Register("alice", extraHeaders: header), Source, false);
        Assert.Equal(403, refused.Response!.StatusCode);
        Assert.Contains("qop", refused.Response.ReasonPhrase);

        var lenient = new DigestAuthenticator(new Directory(accounts), new DigestNonces(time), new AuthFailureLimiter(time), Realm,
            allowWithoutQop: true);
        var challenge = await lenient.AuthenticateAsync(SipTestMessages.Register("alice"), Source, proxy: false);
        var oldDevice = $"Authorization: {TestDigestClient.Header("MD5", "alice", Realm, "s3cret-pass", "REGISTER", "sip:sip.example.test",
            challenge.Response!.WwwAuthenticate[0].Nonce!, qop: null)}";
        Assert.True((await lenient.AuthenticateAsync(SipTestMessages.Register("alice", extraHeaders: oldDevice), Source, false)).IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateAsync_GuessesSpreadOverManyAddresses_BlockTheNameButNotItsOwnPhone()
    {
        var phone = IPAddress.Parse("198.51.100.7");
        Assert.True((await AnswerAsync("alice", "s3cret-pass", phone)).IsAuthenticated);
        for (var i = 0; i < 10; i++)
        {
            await AnswerAsync("alice", $"guess{i}", IPAddress.Parse($"203.0.113.{i + 1}"));
        }

        // Right password, from an address that never authenticated as alice: refused, like any address would be.
        var stranger = await AnswerAsync("alice", "s3cret-pass", IPAddress.Parse("203.0.113.200"));
        Assert.Equal(403, stranger.Response!.StatusCode);
        Assert.Contains("too many failed attempts", stranger.Response.ReasonPhrase);
        Assert.True((await AnswerAsync("alice", "s3cret-pass", phone)).IsAuthenticated);

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.True((await AnswerAsync("alice", "s3cret-pass", IPAddress.Parse("203.0.113.200"))).IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateAsync_GuessesForAnUnknownName_AreBlockedTheSameWay()
    {
        for (var i = 0; i < 10; i++)
        {
            await AnswerAsync("nobody", $"guess{i}", IPAddress.Parse($"203.0.113.{i + 1}"));
        }

        var known = await AnswerAsync("alice", "wrong", IPAddress.Parse("203.0.113.99"));
        var unknown = await AnswerAsync("nobody", "wrong", IPAddress.Parse("203.0.113.99"));
        Assert.Equal(403, unknown.Response!.StatusCode);
        Assert.Contains("too many failed attempts", unknown.Response.ReasonPhrase);
        Assert.Equal("Forbidden", known.Response!.ReasonPhrase);
    }

    private async Task<DigestAuthResult> AnswerAsync(string user, string password, IPAddress from)
    {
        var nonce = await ChallengeNonceAsync();
        return await authenticator.AuthenticateAsync(SipTestMessages.Register(user, extraHeaders:
            $"Authorization: {TestDigestClient.Header("MD5", user, Realm, password, "REGISTER", "sip:sip.example.test", nonce)}"), from, false);
    }

    private async Task<string> ChallengeNonceAsync()
    {
        var challenge = await authenticator.AuthenticateAsync(SipTestMessages.Register("alice"), Source, proxy: false);
        return challenge.Response!.WwwAuthenticate[0].Nonce!;
    }

    private static SipAccountCredentials Account(string user, string password) => new(1, user, "owner-1", "owner", Realm,
        DigestHash.Ha1(DigestAlgorithm.Md5, user, Realm, password), DigestHash.Ha1(DigestAlgorithm.Sha256, user, Realm, password),
        false, false, false, null, null);

    private sealed class Directory(Dictionary<string, SipAccountCredentials> accounts) : ISipAccountDirectory
    {
        public ValueTask<SipAccountCredentials?> FindAsync(string username, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(accounts.GetValueOrDefault(username));
    }
}

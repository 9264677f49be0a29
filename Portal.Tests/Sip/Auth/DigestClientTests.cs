using System.Net;
using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Auth;

namespace Portal.Tests.Sip.Auth;

public sealed class DigestClientTests
{
    private const string Realm = "sip.example.test";

    [Theory]
    [InlineData(new[] { DigestAlgorithm.Md5 }, "MD5")]
    [InlineData(new[] { DigestAlgorithm.Md5, DigestAlgorithm.Sha256 }, "SHA-256")]
    public async Task Answer_ToOurOwnChallenge_IsAcceptedAndPrefersSha256(DigestAlgorithm[] offered, string expectedAlgorithm)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var account = new SipAccountCredentials(1, "trunk", "o", "owner", Realm,
            DigestHash.Ha1(DigestAlgorithm.Md5, "trunk", Realm, "pw"), DigestHash.Ha1(DigestAlgorithm.Sha256, "trunk", Realm, "pw"),
            false, false, false, null, null);
        var server = new DigestAuthenticator(new OneAccount(account), new DigestNonces(time), new AuthFailureLimiter(time), Realm, offered);
        var request = SipTestMessages.Register("trunk");
        var challenge = (await server.AuthenticateAsync(request, IPAddress.Loopback, proxy: true)).Response!;

        var answer = DigestClient.Answer(challenge, request, "trunk", "pw");

        Assert.NotNull(answer);
        Assert.Contains($"algorithm={expectedAlgorithm}", answer);
        var retry = SipTestMessages.Register("trunk", cseq: 2, extraHeaders: $"Proxy-Authorization: {answer}");
        Assert.True((await server.AuthenticateAsync(retry, IPAddress.Loopback, proxy: true)).IsAuthenticated);
    }

    [Fact]
    public void Answer_ChallengeWithOnlyUnknownAlgorithms_IsNull()
    {
        var request = SipTestMessages.Register("trunk");
        var challenge = request.CreateResponse(401, "Unauthorized", "t1");
        challenge.Headers.Add("WWW-Authenticate", "Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256");

        Assert.Null(DigestClient.Answer(challenge, request, "trunk", "pw"));
    }

    private sealed class OneAccount(SipAccountCredentials account) : ISipAccountDirectory
    {
        public ValueTask<SipAccountCredentials?> FindAsync(string username, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(username == account.Username ? account : null);
    }
}

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Portal.Sip.Messages;

namespace Portal.Sip.Auth;

/// <summary>
/// Digest authentication of requests (RFC 3261 §22, RFC 8760): challenges with SHA-256 and MD5, verifies
/// <c>qop=auth</c> answers (RFC 2069-style ones without <c>qop</c> only when an admin allows them: they carry no
/// nonce count, so a sniffed one could be replayed), refuses stale nonces with <c>stale=true</c> and replayed nonce
/// counts. An unknown user and a wrong password get exactly the same answer.
/// </summary>
public sealed class DigestAuthenticator(
    ISipAccountDirectory accounts,
    DigestNonces nonces,
    AuthFailureLimiter limiter,
    string realm,
    IReadOnlyList<DigestAlgorithm>? offered = null,
    IReadOnlyList<string>? md5OnlyUserAgents = null,
    bool allowWithoutQop = false)
{
    private readonly IReadOnlyList<DigestAlgorithm> offered = offered is { Count: > 0 } ? offered : [DigestAlgorithm.Md5, DigestAlgorithm.Sha256];
    private readonly IReadOnlyList<string> md5OnlyUserAgents = md5OnlyUserAgents ?? [];

    // Used when the user is unknown, so both paths do the same work and give the same answer.
    private static readonly SipAccountCredentials Nobody = new(0, "", "", "", "", new string('0', 32), new string('0', 64),
        true, true, false, null, null);

    public string Realm => realm;

    /// <summary>
    /// Authenticates <paramref name="request"/>. <paramref name="proxy"/> selects 407/Proxy-Authorization
    /// (INVITE and other requests) over 401/Authorization (REGISTER), as DESIGN §5 says.
    /// </summary>
    public async ValueTask<DigestAuthResult> AuthenticateAsync(SipRequest request, IPAddress source, bool proxy,
        CancellationToken cancellationToken = default)
    {
        var credentials = (proxy ? request.ProxyAuthorizations : request.Authorizations)
            .FirstOrDefault(c => c.IsDigest && string.Equals(c.Realm, realm, StringComparison.Ordinal));
        if (credentials is null)
        {
            return Challenge(request, proxy, stale: false);
        }

        if (credentials.Qop is null && credentials.Response is not null && !allowWithoutQop)
        {
            // Says what is wrong without looking at the account, so it reveals nothing about it.
            return Refuse(request, "Forbidden - digest without qop=auth is not accepted");
        }

        if (limiter.IsBlocked(source, credentials.Username ?? ""))
        {
            return Refuse(request, "Forbidden - too many failed attempts, try later");
        }

        var nonceCheck = nonces.Check(credentials.Nonce);
        var algorithm = ParseAlgorithm(credentials.Algorithm);
        if (nonceCheck == NonceCheck.Invalid || algorithm is null || credentials.Username is null
            || credentials.Uri is null || credentials.Response is null
            || credentials.Qop is not (null or "auth"))
        {
            return Challenge(request, proxy, stale: false);
        }

        var account = await accounts.FindAsync(credentials.Username, cancellationToken);
        var known = account is not null && string.Equals(account.Realm, realm, StringComparison.Ordinal);
        var expected = ExpectedResponse(known ? account! : Nobody, algorithm.Value, request.Method.Name, credentials);
        if (expected is null)
        {
            return Challenge(request, proxy, stale: false);
        }

        var matches = CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(credentials.Response.ToLowerInvariant()));
        if (!known || !matches)
        {
            limiter.RecordFailure(source, credentials.Username);
            return Refuse(request, "Forbidden");
        }

        if (nonceCheck == NonceCheck.Stale)
        {
            return Challenge(request, proxy, stale: true);
        }

        if (credentials.Qop is not null && !nonces.TryUseCount(credentials.Nonce!, ParseNonceCount(credentials.NonceCount)))
        {
            // A nonce count already seen: a replay (or a confused client). A fresh challenge reveals nothing.
            return Challenge(request, proxy, stale: false);
        }

        limiter.RecordSuccess(source, credentials.Username);
        return account!.MayUseService ? new DigestAuthResult(account, null) : Refuse(request, "Forbidden - account disabled");
    }

    /// <summary>
    /// A 401 or 407 offering MD5 and SHA-256 (RFC 8760). MD5 comes first because widely deployed MD5-only
    /// clients (sipp among them) answer the first challenge and give up when it is not MD5; clients that
    /// prefer SHA-256 pick it from the second.
    /// </summary>
    public DigestAuthResult Challenge(SipRequest request, bool proxy, bool stale)
    {
        var response = proxy
            ? request.CreateResponse(SipStatusCodes.ProxyAuthenticationRequired, "Proxy Authentication Required", SipTags.NewTag())
            : request.CreateResponse(SipStatusCodes.Unauthorized, "Unauthorized", SipTags.NewTag());
        var header = proxy ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate;
        var nonce = nonces.Create();
        // The choice depends on the client software only, never on the account, so it reveals nothing about accounts.
        var userAgent = request.Headers.GetFirst(SipHeaderNames.UserAgent);
        var md5Only = userAgent is not null && md5OnlyUserAgents.Any(p => userAgent.StartsWith(p, StringComparison.OrdinalIgnoreCase));
        foreach (var algorithm in md5Only ? offered.Where(a => a == DigestAlgorithm.Md5) : offered)
        {
            var name = algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5";
            response.Headers.Add(header, AuthenticateHeader.CreateDigest(realm, nonce, name, "auth", stale: stale).ToString());
        }
        return new DigestAuthResult(null, response);
    }

    private static DigestAuthResult Refuse(SipRequest request, string reason) =>
        new(null, request.CreateResponse(SipStatusCodes.Forbidden, reason, SipTags.NewTag()));

    /// <summary>Reads <c>Sip:DigestAlgorithms</c>, e.g. <c>MD5,SHA-256</c>.</summary>
    public static IReadOnlyList<DigestAlgorithm> ParseAlgorithms(string list)
    {
        var algorithms = new List<DigestAlgorithm>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            algorithms.Add(ParseAlgorithm(item) ?? throw new FormatException($"Sip:DigestAlgorithms: '{item}' is not MD5 or SHA-256."));
        }

        return algorithms;
    }

    private static DigestAlgorithm? ParseAlgorithm(string? algorithm) => algorithm?.ToUpperInvariant() switch
    {
        null or "MD5" => DigestAlgorithm.Md5,
        "SHA-256" => DigestAlgorithm.Sha256,
        _ => null,
    };

    private static uint ParseNonceCount(string? nc) =>
        uint.TryParse(nc, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var count) ? count : 0;

    /// <summary>RFC 2617 §3.2.2.1 with the hash of RFC 8760; the digest-uri is the one the client sent.</summary>
    private static string? ExpectedResponse(SipAccountCredentials account, DigestAlgorithm algorithm, string method,
        AuthorizationHeader credentials)
    {
        var ha1 = account.Ha1For(algorithm);
        var ha2 = DigestHash.Hex(algorithm, $"{method}:{credentials.Uri}");
        if (credentials.Qop is null)
        {
            return DigestHash.Hex(algorithm, $"{ha1}:{credentials.Nonce}:{ha2}");
        }

        if (credentials.NonceCount is null || credentials.Cnonce is null || ParseNonceCount(credentials.NonceCount) == 0)
        {
            return null;
        }

        return DigestHash.Hex(algorithm, $"{ha1}:{credentials.Nonce}:{credentials.NonceCount}:{credentials.Cnonce}:{credentials.Qop}:{ha2}");
    }
}

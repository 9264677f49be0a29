using System.Diagnostics.CodeAnalysis;

namespace Portal.Sip.Messages;

/// <summary>
/// Credentials of an Authorization or Proxy-Authorization header (RFC 3261 §20.7, §22.4; RFC 2617 §3.2.2;
/// RFC 8760 for SHA-256). Any scheme parses; the digest parameters have properties. Immutable.
/// </summary>
public sealed class AuthorizationHeader
{
    public AuthorizationHeader(string scheme, SipParameters parameters)
    {
        if (!SipChars.IsToken(scheme))
        {
            throw new ArgumentException($"'{scheme}' is not a valid auth scheme.", nameof(scheme));
        }

        Scheme = scheme;
        Parameters = parameters;
    }

    public string Scheme { get; }

    /// <summary>The auth-params with quoted values unquoted; names compare case-insensitively.</summary>
    public SipParameters Parameters { get; }

    public bool IsDigest => string.Equals(Scheme, "Digest", StringComparison.OrdinalIgnoreCase);

    public string? Username => Parameters.GetValue("username");

    public string? Realm => Parameters.GetValue("realm");

    public string? Nonce => Parameters.GetValue("nonce");

    /// <summary>The <c>uri</c> the client hashed (digest-uri), which need not be the Request-URI.</summary>
    public string? Uri => Parameters.GetValue("uri");

    public string? Response => Parameters.GetValue("response");

    /// <summary>The algorithm; RFC 2617 §3.2.2 makes MD5 the default when absent.</summary>
    public string? Algorithm => Parameters.GetValue("algorithm");

    public string? Cnonce => Parameters.GetValue("cnonce");

    public string? Opaque => Parameters.GetValue("opaque");

    public string? Qop => Parameters.GetValue("qop");

    /// <summary>The <c>nc</c> nonce count as sent (8 hex digits).</summary>
    public string? NonceCount => Parameters.GetValue("nc");

    /// <summary>Digest credentials with the quoting RFC 2617 §3.2.2 prescribes (algorithm, qop and nc unquoted).</summary>
    public static AuthorizationHeader CreateDigest(
        string username,
        string realm,
        string nonce,
        string uri,
        string response,
        string? algorithm = null,
        string? cnonce = null,
        string? qop = null,
        string? nonceCount = null,
        string? opaque = null) =>
        new("Digest", AuthParameterSyntax.Build(
            [
                ("username", username), ("realm", realm), ("nonce", nonce), ("uri", uri), ("response", response),
                ("algorithm", algorithm), ("cnonce", cnonce), ("qop", qop), ("nc", nonceCount), ("opaque", opaque),
            ],
            "username", "realm", "nonce", "uri", "response", "cnonce", "opaque"));

    public static AuthorizationHeader Parse(string text) =>
        TryParse(text, out AuthorizationHeader? value) ? value : throw new FormatException("Malformed credentials.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out AuthorizationHeader? value)
    {
        value = null;
        if (text is null || !AuthParameterSyntax.TryParse(SipSyntax.Trim(text), true, out string? scheme, out SipParameters? parameters))
        {
            return false;
        }

        value = new AuthorizationHeader(scheme!, parameters!);
        return true;
    }

    public override string ToString() => AuthParameterSyntax.Format(Scheme, Parameters);

    internal static bool IsValid(ReadOnlySpan<char> value) => AuthParameterSyntax.TryParse(value, false, out _, out _);
}

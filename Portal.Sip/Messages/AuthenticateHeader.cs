using System.Diagnostics.CodeAnalysis;

namespace Portal.Sip.Messages;

/// <summary>
/// A challenge of a WWW-Authenticate or Proxy-Authenticate header (RFC 3261 §20.27, §20.44, §22.1; RFC 2617
/// §3.2.1). A server offering several algorithms (RFC 8760 §2.4: SHA-256 first, then MD5) sends one header per
/// challenge; <see cref="SipMessage.WwwAuthenticate"/> lists them in order. Immutable.
/// </summary>
public sealed class AuthenticateHeader
{
    public AuthenticateHeader(string scheme, SipParameters parameters)
    {
        if (!SipChars.IsToken(scheme))
        {
            throw new ArgumentException($"'{scheme}' is not a valid auth scheme.", nameof(scheme));
        }

        Scheme = scheme;
        Parameters = parameters;
    }

    public string Scheme { get; }

    public SipParameters Parameters { get; }

    public bool IsDigest => string.Equals(Scheme, "Digest", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValue("realm");

    public string? Nonce => Parameters.GetValue("nonce");

    public string? Opaque => Parameters.GetValue("opaque");

    public string? Domain => Parameters.GetValue("domain");

    /// <summary>The algorithm; MD5 when absent (RFC 2617 §3.2.1).</summary>
    public string Algorithm => Parameters.GetValue("algorithm") ?? "MD5";

    /// <summary>True for <c>stale=true</c>: the nonce expired but the credentials were right (RFC 2617 §3.2.1).</summary>
    public bool Stale => string.Equals(Parameters.GetValue("stale"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The qop options offered, from <c>qop="auth,auth-int"</c>.</summary>
    public IReadOnlyList<string> QopOptions =>
        Parameters.GetValue("qop")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>A digest challenge quoted as RFC 2617 §3.2.1 prescribes (algorithm and stale unquoted).</summary>
    public static AuthenticateHeader CreateDigest(
        string realm,
        string nonce,
        string? algorithm = "MD5",
        string? qop = "auth",
        string? opaque = null,
        bool stale = false) =>
        new("Digest", AuthParameterSyntax.Build(
            [
                ("realm", realm), ("nonce", nonce), ("opaque", opaque), ("stale", stale ? "true" : null),
                ("algorithm", algorithm), ("qop", qop),
            ],
            "realm", "nonce", "opaque", "qop"));

    public static AuthenticateHeader Parse(string text) =>
        TryParse(text, out AuthenticateHeader? value) ? value : throw new FormatException("Malformed challenge.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out AuthenticateHeader? value)
    {
        value = null;
        if (text is null || !AuthParameterSyntax.TryParse(SipSyntax.Trim(text), true, out string? scheme, out SipParameters? parameters))
        {
            return false;
        }

        value = new AuthenticateHeader(scheme!, parameters!);
        return true;
    }

    public override string ToString() => AuthParameterSyntax.Format(Scheme, Parameters);

    internal static bool IsValid(ReadOnlySpan<char> value) => AuthParameterSyntax.TryParse(value, false, out _, out _);
}

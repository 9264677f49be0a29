using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// A <c>sip:</c> or <c>sips:</c> URI (RFC 3261 §19.1). The user, password, parameters and headers are held
/// unescaped (so <c>sip:%75se%72@example.com</c> has user <c>user</c>), and <see cref="ToString"/> escapes them
/// again where §25.1 requires; parsing that text gives back an equal URI. Immutable: <c>With…</c> returns a copy.
/// </summary>
public sealed class SipUri : AbsoluteUri, IEquatable<SipUri>
{
    private static readonly string[] SignificantParameters = ["user", "ttl", "method", "maddr", "transport"];
    private string? _text;

    public SipUri(
        string host,
        string? user = null,
        int? port = null,
        bool secure = false,
        SipParameters? parameters = null,
        IReadOnlyList<KeyValuePair<string, string>>? headers = null,
        string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        bool valid = host[0] == '['
            ? host.Length > 2 && host[^1] == ']' && !host.AsSpan(1, host.Length - 2).ContainsAnyExcept(SipChars.Ipv6)
            : !host.AsSpan().ContainsAnyExcept(SipChars.HostName);
        if (!valid)
        {
            throw new ArgumentException($"'{host}' is not a valid host.", nameof(host));
        }

        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port));
        }

        if (user is { Length: 0 })
        {
            throw new ArgumentException("An empty user part is not allowed; use null.", nameof(user));
        }

        Host = host;
        User = user;
        Password = password;
        Port = port;
        IsSecure = secure;
        Parameters = parameters ?? SipParameters.Empty;
        Headers = headers ?? [];
    }

    public override string Scheme => IsSecure ? "sips" : "sip";

    public bool IsSecure { get; }

    /// <summary>The user part, unescaped; null when the URI has none.</summary>
    public string? User { get; }

    public string? Password { get; }

    /// <summary>Host name, IPv4 address or IPv6 reference including its brackets (<c>[2001:db8::1]</c>).</summary>
    public string Host { get; }

    public bool IsIPv6Reference => Host.StartsWith('[');

    public int? Port { get; }

    /// <summary><c>host[:port]</c> as written in a URI.</summary>
    public string HostPort => Port is { } p ? $"{Host}:{p}" : Host;

    public SipParameters Parameters { get; }

    /// <summary>The <c>?name=value&amp;…</c> part, unescaped (RFC 3261 §19.1.5).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public string? Transport => Parameters.GetValue("transport");

    public string? Maddr => Parameters.GetValue("maddr");

    /// <summary>The <c>user</c> URI parameter (<c>phone</c>, <c>ip</c>), not the user part.</summary>
    public string? UserParameter => Parameters.GetValue("user");

    /// <summary>True when the <c>lr</c> parameter marks a loose router (RFC 3261 §16.4, §19.1.1).</summary>
    public bool IsLooseRouter => Parameters.Contains("lr");

    public static new SipUri Parse(string text) =>
        TryParse(text, out SipUri? uri) ? uri : throw new FormatException($"'{text}' is not a valid SIP URI.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        return text is not null && SipUriParser.TryParse(text, materialise: true, out uri, out _);
    }

    public SipUri WithUser(string? user) => new(Host, user, Port, IsSecure, Parameters, Headers, user is null ? null : Password);

    public SipUri WithHost(string host, int? port) => new(host, User, port, IsSecure, Parameters, Headers, Password);

    public SipUri WithParameter(string name, string? value) =>
        new(Host, User, Port, IsSecure, Parameters.With(name, value), Headers, Password);

    public SipUri WithoutParameter(string name) =>
        new(Host, User, Port, IsSecure, Parameters.Without(name), Headers, Password);

    public SipUri WithParameters(SipParameters parameters) => new(Host, User, Port, IsSecure, parameters, Headers, Password);

    public SipUri WithHeaders(IReadOnlyList<KeyValuePair<string, string>>? headers) =>
        new(Host, User, Port, IsSecure, Parameters, headers, Password);

    public override string ToString() => _text ??= Format();

    /// <summary>URI comparison of RFC 3261 §19.1.4.</summary>
    public bool Equals(SipUri? other)
    {
        if (other is null)
        {
            return false;
        }

        if (IsSecure != other.IsSecure || Port != other.Port
            || !string.Equals(User, other.User, StringComparison.Ordinal)
            || !string.Equals(Password, other.Password, StringComparison.Ordinal)
            || !string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (SipParameter p in Parameters)
        {
            bool significant = SignificantParameters.Contains(p.Name, StringComparer.OrdinalIgnoreCase);
            if (other.Parameters.TryGetValue(p.Name, out string? theirs))
            {
                if (!string.Equals(p.Value, theirs, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
            else if (significant)
            {
                return false;
            }
        }

        if (other.Parameters.Any(p => SignificantParameters.Contains(p.Name, StringComparer.OrdinalIgnoreCase)
                && !Parameters.Contains(p.Name)))
        {
            return false;
        }

        return Headers.Count == other.Headers.Count && Headers.All(h => other.Headers.Any(o =>
            string.Equals(h.Key, o.Key, StringComparison.OrdinalIgnoreCase) && string.Equals(h.Value, o.Value, StringComparison.Ordinal)));
    }

    public override bool Equals(AbsoluteUri? other) => Equals(other as SipUri);

    public override bool Equals(object? obj) => Equals(obj as SipUri);

    public override int GetHashCode() =>
        HashCode.Combine(IsSecure, User, StringComparer.OrdinalIgnoreCase.GetHashCode(Host), Port);

    private string Format()
    {
        StringBuilder sb = new(64);
        sb.Append(Scheme).Append(':');
        if (User is not null)
        {
            UriEscaping.AppendEscaped(sb, User, SipChars.User);
            if (Password is not null)
            {
                sb.Append(':');
                UriEscaping.AppendEscaped(sb, Password, SipChars.Password);
            }

            sb.Append('@');
        }

        sb.Append(Host);
        if (Port is { } port)
        {
            sb.Append(':').Append(port);
        }

        Parameters.AppendUriForm(sb);
        for (int i = 0; i < Headers.Count; i++)
        {
            sb.Append(i == 0 ? '?' : '&');
            UriEscaping.AppendEscaped(sb, Headers[i].Key, SipChars.UriHeader);
            sb.Append('=');
            UriEscaping.AppendEscaped(sb, Headers[i].Value, SipChars.UriHeader);
        }

        return sb.ToString();
    }
}

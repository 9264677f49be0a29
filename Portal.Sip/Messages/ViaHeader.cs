using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// One Via value (RFC 3261 §20.42, §25.1 <c>via-parm</c>): <c>SIP/2.0/UDP host:port;branch=…;received=…;rport</c>,
/// with the RFC 3581 <c>rport</c> parameter that may appear with or without a value. A Via line may hold several
/// values separated by commas; <see cref="SipMessage.Vias"/> lists them all, top first. Immutable.
/// </summary>
public sealed class ViaHeader
{
    /// <summary>The branch prefix marking an RFC 3261 transaction id (§8.1.1.7).</summary>
    public const string MagicCookie = "z9hG4bK";

    private string? _text;

    public ViaHeader(string transport, string host, int? port = null, SipParameters? parameters = null)
        : this("SIP", "2.0", transport, host, port, parameters)
    {
    }

    private ViaHeader(string protocolName, string protocolVersion, string transport, string host, int? port, SipParameters? parameters)
    {
        if (!SipChars.IsToken(transport))
        {
            throw new ArgumentException($"'{transport}' is not a valid transport.", nameof(transport));
        }

        ArgumentException.ThrowIfNullOrEmpty(host);
        ProtocolName = protocolName;
        ProtocolVersion = protocolVersion;
        Transport = transport.ToUpperInvariant();
        Host = host;
        Port = port;
        Parameters = parameters ?? SipParameters.Empty;
    }

    public string ProtocolName { get; }

    public string ProtocolVersion { get; }

    /// <summary>The transport in upper case: UDP, TCP, TLS, SCTP, WS, or an extension.</summary>
    public string Transport { get; }

    /// <summary>The sent-by host; an IPv6 reference keeps its brackets.</summary>
    public string Host { get; }

    public int? Port { get; }

    /// <summary><c>host[:port]</c> as sent.</summary>
    public string SentBy => Port is { } p ? $"{Host}:{p}" : Host;

    public SipParameters Parameters { get; }

    public string? Branch => Parameters.GetValue("branch");

    /// <summary>True when the branch starts with the magic cookie, so RFC 3261 transaction matching applies.</summary>
    public bool HasRfc3261Branch => Branch?.StartsWith(MagicCookie, StringComparison.Ordinal) == true;

    public string? Received => Parameters.GetValue("received");

    public string? Maddr => Parameters.GetValue("maddr");

    public int? Ttl => int.TryParse(Parameters.GetValue("ttl"), NumberStyles.None, CultureInfo.InvariantCulture, out int t) ? t : null;

    /// <summary>True when <c>rport</c> is present, with or without a value (RFC 3581 §3).</summary>
    public bool HasRport => Parameters.Contains("rport");

    /// <summary>The <c>rport</c> value filled in by a server; null when absent or empty.</summary>
    public int? Rport => int.TryParse(Parameters.GetValue("rport"), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : null;

    public static ViaHeader Parse(string text) =>
        TryParse(text, out ViaHeader? via) ? via : throw new FormatException($"'{text}' is not a valid Via value.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ViaHeader? via)
    {
        via = null;
        return text is not null && TryParse(SipSyntax.Trim(text), materialise: true, out via);
    }

    public ViaHeader WithParameter(string name, string? value) =>
        new(ProtocolName, ProtocolVersion, Transport, Host, Port, Parameters.With(name, value));

    public ViaHeader WithoutParameter(string name) =>
        new(ProtocolName, ProtocolVersion, Transport, Host, Port, Parameters.Without(name));

    public ViaHeader WithBranch(string branch) => WithParameter("branch", branch);

    /// <summary>Records the source address a request came from (RFC 3261 §18.2.1).</summary>
    public ViaHeader WithReceived(string address) => WithParameter("received", address);

    /// <summary>Fills in <c>rport</c> with the source port (RFC 3581 §4).</summary>
    public ViaHeader WithRport(int port) => WithParameter("rport", port.ToString(CultureInfo.InvariantCulture));

    public override string ToString()
    {
        if (_text is null)
        {
            StringBuilder sb = new(64);
            sb.Append(ProtocolName).Append('/').Append(ProtocolVersion).Append('/').Append(Transport).Append(' ').Append(SentBy);
            Parameters.AppendHeaderForm(sb);
            _text = sb.ToString();
        }

        return _text;
    }

    internal static bool IsValid(ReadOnlySpan<char> value) => TryParse(value, materialise: false, out _);

    internal static bool TryParse(ReadOnlySpan<char> s, bool materialise, out ViaHeader? via)
    {
        via = null;

        // sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS
        Span<Range> protocol = stackalloc Range[3];
        int i = 0;
        for (int part = 0; part < 3; part++)
        {
            if (part > 0)
            {
                i = SipSyntax.SkipWhitespace(s, i);
                if (i == s.Length || s[i] != '/')
                {
                    return false;
                }

                i = SipSyntax.SkipWhitespace(s, i + 1);
            }

            int length = i < s.Length ? SipSyntax.TokenLength(s, i) : 0;
            if (length == 0)
            {
                return false;
            }

            protocol[part] = new Range(i, i + length);
            i += length;
        }

        int hostStart = SipSyntax.SkipWhitespace(s, i);
        if (hostStart == i || hostStart == s.Length)
        {
            return false;
        }

        int hostEnd;
        if (s[hostStart] == '[')
        {
            hostEnd = s[hostStart..].IndexOf(']');
            if (hostEnd < 2 || s[(hostStart + 1)..(hostStart + hostEnd)].ContainsAnyExcept(SipChars.Ipv6))
            {
                return false;
            }

            hostEnd += hostStart + 1;
        }
        else
        {
            hostEnd = s[hostStart..].IndexOfAnyExcept(SipChars.HostName);
            hostEnd = hostEnd < 0 ? s.Length : hostStart + hostEnd;
            if (hostEnd == hostStart)
            {
                return false;
            }
        }

        i = SipSyntax.SkipWhitespace(s, hostEnd);
        int? port = null;
        if (i < s.Length && s[i] == ':')
        {
            int start = SipSyntax.SkipWhitespace(s, i + 1);
            int end = s[start..].IndexOfAnyExcept(SipChars.Digits);
            end = end < 0 ? s.Length : start + end;
            if (end - start > 5 || !SipSyntax.TryParseUInt32(s[start..end], out uint p) || p > 65535)
            {
                return false;
            }

            port = (int)p;
            i = end;
        }

        List<SipParameter>? parameters = materialise ? [] : null;
        ParameterReader reader = new(s, i);
        while (reader.MoveNext())
        {
            if (!IsValidViaParameter(reader))
            {
                return false;
            }

            parameters?.Add(reader.ToParameter());
        }

        if (reader.Failed)
        {
            return false;
        }

        if (materialise)
        {
            via = new ViaHeader(
                new string(s[protocol[0]]),
                new string(s[protocol[1]]),
                new string(s[protocol[2]]),
                new string(s[hostStart..hostEnd]),
                port,
                SipParameters.FromList(parameters));
        }

        return true;
    }

    /// <summary>The value rules of RFC 3261 §20.42 and RFC 3581 for the parameters the stack relies on.</summary>
    private static bool IsValidViaParameter(ParameterReader p)
    {
        if (p.Name.Equals("branch", StringComparison.OrdinalIgnoreCase))
        {
            return p.HasValue && !p.IsQuoted && SipChars.IsToken(p.Value);
        }

        if (p.Name.Equals("received", StringComparison.OrdinalIgnoreCase) || p.Name.Equals("maddr", StringComparison.OrdinalIgnoreCase))
        {
            return p.HasValue && !p.IsQuoted;
        }

        if (p.Name.Equals("ttl", StringComparison.OrdinalIgnoreCase))
        {
            return p.HasValue && SipSyntax.TryParseUInt32(p.Value, out uint ttl) && ttl <= 255;
        }

        if (p.Name.Equals("rport", StringComparison.OrdinalIgnoreCase))
        {
            return !p.HasValue || (SipSyntax.TryParseUInt32(p.Value, out uint port) && port <= 65535);
        }

        return true;
    }
}

namespace Portal.Sip.Messages;

/// <summary>
/// Reads <c>SIP-URI</c> and <c>SIPS-URI</c> (RFC 3261 §19.1.1, §25.1). With <c>materialise</c> false it only
/// validates and allocates nothing, which is how the message parser checks every URI eagerly yet builds the
/// <see cref="SipUri"/> object only when someone reads it.
/// </summary>
internal static class SipUriParser
{
    public static bool TryParse(ReadOnlySpan<char> s, bool materialise, out SipUri? uri, out bool hasHeaders)
    {
        uri = null;
        hasHeaders = false;
        bool secure;
        ReadOnlySpan<char> rest;
        if (s.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            secure = false;
            rest = s[4..];
        }
        else if (s.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            secure = true;
            rest = s[5..];
        }
        else
        {
            return false;
        }

        // userinfo ends at the first '@': neither the host, nor uri-parameters, nor headers may hold a bare '@',
        // while the user part may hold ';', '?' and ',' (RFC 3261 §25.1 user-unreserved; RFC 4475 §3.1.1.2).
        string? user = null;
        string? password = null;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            ReadOnlySpan<char> userInfo = rest[..at];
            int colon = userInfo.IndexOf(':');
            ReadOnlySpan<char> userPart = colon < 0 ? userInfo : userInfo[..colon];
            if (userPart.IsEmpty || !UriEscaping.IsValid(userPart, SipChars.User))
            {
                return false;
            }

            if (colon >= 0 && !UriEscaping.IsValid(userInfo[(colon + 1)..], SipChars.Password))
            {
                return false;
            }

            if (materialise)
            {
                user = UriEscaping.Unescape(userPart);
                password = colon < 0 ? null : UriEscaping.Unescape(userInfo[(colon + 1)..]);
            }

            rest = rest[(at + 1)..];
        }

        int hostEnd;
        if (!rest.IsEmpty && rest[0] == '[')
        {
            hostEnd = rest.IndexOf(']') + 1;
            ReadOnlySpan<char> inner = hostEnd > 0 ? rest[1..(hostEnd - 1)] : default;
            if (hostEnd <= 0 || inner.IsEmpty || inner.ContainsAnyExcept(SipChars.Ipv6) || !inner.Contains(':'))
            {
                return false;
            }
        }
        else
        {
            hostEnd = rest.IndexOfAny(':', ';', '?');
            hostEnd = hostEnd < 0 ? rest.Length : hostEnd;
            if (hostEnd == 0 || rest[..hostEnd].ContainsAnyExcept(SipChars.HostName))
            {
                return false;
            }
        }

        ReadOnlySpan<char> host = rest[..hostEnd];
        int i = hostEnd;
        int? port = null;
        if (i < rest.Length && rest[i] == ':')
        {
            int portEnd = rest[(i + 1)..].IndexOfAny(';', '?');
            portEnd = portEnd < 0 ? rest.Length : i + 1 + portEnd;
            if (!SipSyntax.TryParseUInt32(rest[(i + 1)..portEnd], out uint p) || p > 65535 || portEnd - i - 1 > 5)
            {
                return false;
            }

            port = (int)p;
            i = portEnd;
        }

        List<SipParameter>? parameters = null;
        while (i < rest.Length && rest[i] == ';')
        {
            int end = rest[(i + 1)..].IndexOfAny(';', '?');
            end = end < 0 ? rest.Length : i + 1 + end;
            ReadOnlySpan<char> segment = rest[(i + 1)..end];
            int eq = segment.IndexOf('=');
            ReadOnlySpan<char> name = eq < 0 ? segment : segment[..eq];
            ReadOnlySpan<char> value = eq < 0 ? default : segment[(eq + 1)..];
            if (name.IsEmpty || !UriEscaping.IsValid(name, SipChars.Param)
                || (eq >= 0 && (value.IsEmpty || !UriEscaping.IsValid(value, SipChars.Param))))
            {
                return false;
            }

            if (materialise)
            {
                parameters ??= [];
                parameters.Add(new SipParameter(UriEscaping.Unescape(name), eq < 0 ? null : UriEscaping.Unescape(value)));
            }

            i = end;
        }

        List<KeyValuePair<string, string>>? headers = null;
        if (i < rest.Length && rest[i] == '?')
        {
            hasHeaders = true;
            foreach (Range range in rest[(i + 1)..].Split('&'))
            {
                ReadOnlySpan<char> header = rest[(i + 1)..][range];
                int eq = header.IndexOf('=');
                if (eq <= 0 || !UriEscaping.IsValid(header[..eq], SipChars.UriHeader)
                    || !UriEscaping.IsValid(header[(eq + 1)..], SipChars.UriHeader))
                {
                    return false;
                }

                if (materialise)
                {
                    headers ??= [];
                    headers.Add(new(UriEscaping.Unescape(header[..eq]), UriEscaping.Unescape(header[(eq + 1)..])));
                }
            }

            i = rest.Length;
        }

        if (i != rest.Length)
        {
            return false;
        }

        if (materialise)
        {
            uri = new SipUri(new string(host), user, port, secure, SipParameters.FromList(parameters), headers, password);
        }

        return true;
    }
}

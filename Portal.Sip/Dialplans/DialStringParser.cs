using System.Globalization;

using Portal.Sip.Messages;

namespace Portal.Sip.Dialplans;

/// <summary>
/// Reads a dial string (DESIGN §6): groups separated by <c>|</c>, legs by <c>&amp;</c>, each leg
/// <c>[sip:|sips:]user@host[:port][;param=value...][[k=v,...]]</c>. It reports every error it can find — after
/// a bad leg it carries on at the next separator — each at the 1-based column of the offending character.
/// </summary>
internal sealed class DialStringParser
{
    private readonly string _text;
    private readonly DialStringContext _context;
    private readonly List<DialHostSpan>? _hosts;
    private readonly List<DialStringError> _errors = [];
    private int _i;

    private DialStringParser(string text, DialStringContext context, List<DialHostSpan>? hosts)
    {
        _text = text;
        _context = context;
        _hosts = hosts;
    }

    private bool AtEnd => _i >= _text.Length;

    /// <summary>Parses <paramref name="text"/>; <paramref name="hosts"/>, when given, receives where each leg's host is.</summary>
    public static DialStringParseResult Parse(string text, DialStringContext context, List<DialHostSpan>? hosts)
    {
        if (text.Length > DialplanLimits.MaxDialStringLength)
        {
            return new(null, [new(1, $"The dial string is {text.Length} characters long; the limit is {DialplanLimits.MaxDialStringLength}.")]);
        }

        DialStringParser parser = new(text, context, hosts);
        List<DialGroup> groups = parser.ParseGroups();
        return parser._errors.Count == 0
            ? new(new DialString(groups), [])
            : new(null, [.. parser._errors.OrderBy(e => e.Column)]);
    }

    private List<DialGroup> ParseGroups()
    {
        List<DialGroup> groups = [];
        List<DialLeg> legs = [];
        int legCount = 0;
        SkipSpaces();
        if (AtEnd)
        {
            _errors.Add(new(1, "The dial string is empty: write user@host, e.g. 1234@myprovider."));
            return groups;
        }

        while (true)
        {
            SkipSpaces();
            if (!AtEnd && _text[_i] is '|' or '&')
            {
                _errors.Add(new(_i + 1, $"Write a destination before '{_text[_i]}', e.g. 1234@myprovider."));
            }
            else if (++legCount > DialplanLimits.MaxLegs)
            {
                _errors.Add(new(_i + 1, $"A dial string can ring at most {DialplanLimits.MaxLegs} destinations."));
                return groups;
            }
            else if (ParseLeg() is { } leg)
            {
                legs.Add(leg);
            }

            SkipSpaces();
            if (AtEnd)
            {
                groups.Add(new DialGroup(legs));
                return groups;
            }

            char separator = _text[_i];
            int separatorIndex = _i++;
            if (separator == '|')
            {
                groups.Add(new DialGroup(legs));
                legs = [];
            }

            SkipSpaces();
            if (AtEnd)
            {
                _errors.Add(new(separatorIndex + 1, $"Write a destination after '{separator}', or remove the '{separator}'."));
                return groups;
            }
        }
    }

    /// <summary>Reads one leg and stops at the next separator or the end; null after an error.</summary>
    private DialLeg? ParseLeg()
    {
        int start = _i;
        int errorsBefore = _errors.Count;
        bool secure = _text.AsSpan(_i).StartsWith("sips:", StringComparison.OrdinalIgnoreCase);
        bool hasScheme = secure || _text.AsSpan(_i).StartsWith("sip:", StringComparison.OrdinalIgnoreCase);
        _i += secure ? 5 : hasScheme ? 4 : 0;
        int userStart = _i;
        int at = _text.IndexOfAny(['@', '|', '&', '['], _i);
        if (at < 0 || _text[at] != '@')
        {
            // Point at where '@host' belongs: the user part may be a variable only known during the call.
            int stop = at < 0 ? _text.Length : at;
            while (stop > userStart && _text[stop - 1] is ' ' or '\t')
            {
                stop--;
            }

            _errors.Add(new(stop + 1, hasScheme
                ? "Write the user and '@' in the URI, e.g. sip:1234@example.com."
                : "This destination has no host: add '@' and a host after the user, e.g. 1234@myprovider."));
            return SkipToSeparator();
        }

        string rawUser = _text[userStart..at];
        string? user = DialStringSyntax.ValidateUser(rawUser, userStart, "user part", _errors);
        _i = at + 1;
        int hostStart = _i;
        string? host = ReadHost();
        if (host is null)
        {
            return SkipToSeparator();
        }

        _hosts?.Add(new DialHostSpan(hostStart, host.Length, host));
        int? port = ReadPort();
        List<SipParameter> parameters = ReadParameters();
        DialLegOptions options = DialLegOptions.None;
        if (!AtEnd && _text[_i] == '[')
        {
            if (DialLegOptionsParser.Parse(_text, _i, _errors) is not { } parsed)
            {
                _i = _text.Length;
                return null;
            }

            (options, _i) = parsed;
        }

        SkipSpaces();
        if (!AtEnd && _text[_i] is not ('|' or '&'))
        {
            _errors.Add(new(_i + 1, $"Unexpected {DialStringSyntax.Describe(_text[_i])} after '{_text[start.._i].TrimEnd()}': separate destinations with '&' (ring together) or '|' (try next)."));
            SkipToSeparator();
        }

        string text = _text[start.._i].TrimEnd();
        DialRoute? route = user is null ? null : ResolveRoute(user, host, hostStart, port, secure, parameters);
        return _errors.Count == errorsBefore && user is not null && route is not null
            ? new DialLeg(user, host, port, route, options, text)
            : null;
    }

    private string? ReadHost()
    {
        int start = _i;
        if (!AtEnd && _text[_i] == '[')
        {
            int close = _text.IndexOf(']', _i);
            if (close < 0)
            {
                _errors.Add(new(start + 1, "Close the IPv6 address with ']', e.g. 1234@[2001:db8::1]."));
                return null;
            }

            _i = close + 1;
        }
        else
        {
            int end = _text.AsSpan(_i).IndexOfAnyExcept(SipChars.HostName);
            _i = end < 0 ? _text.Length : _i + end;
            if (_i == start)
            {
                _errors.Add(new(start + 1, "Write a host after '@', e.g. 1234@myprovider or app@voice.example.com."));
                return null;
            }
        }

        string host = _text[start.._i];
        return DialStringSyntax.ValidateHost(host, start, _errors) ? host : null;
    }

    private int? ReadPort()
    {
        if (AtEnd || _text[_i] != ':')
        {
            return null;
        }

        int colon = _i++;
        int end = _text.AsSpan(_i).IndexOfAnyExceptInRange('0', '9');
        end = end < 0 ? _text.Length : _i + end;
        string digits = _text[_i..end];
        _i = end;
        int port = digits.Length is 0 or > 5 ? 0 : int.Parse(digits, CultureInfo.InvariantCulture);
        if (port is 0 or > 65535)
        {
            _errors.Add(new(colon + 1, "Write the port as a number from 1 to 65535 after ':', e.g. :5060."));
            return null;
        }

        return port;
    }

    private List<SipParameter> ReadParameters()
    {
        List<SipParameter> parameters = [];
        while (!AtEnd && _text[_i] == ';')
        {
            int start = _i++;
            int end = _text.IndexOfAny([';', '[', '|', '&', ' ', '\t', '?'], _i);
            end = end < 0 ? _text.Length : end;
            string segment = _text[_i..end];
            _i = end;
            int eq = segment.IndexOf('=');
            string name = eq < 0 ? segment : segment[..eq];
            string? value = eq < 0 ? null : segment[(eq + 1)..];
            if (name.Length == 0 || !UriEscaping.IsValid(name, SipChars.Token)
                || (value is not null && (value.Length == 0 || !UriEscaping.IsValid(value, SipChars.Param))))
            {
                _errors.Add(new(start + 1, $"';{DialStringSyntax.Printable(segment)}' is not a URI parameter: write e.g. ;transport=tcp."));
            }
            else
            {
                parameters.Add(new SipParameter(name, value));
            }
        }

        if (!AtEnd && _text[_i] == '?')
        {
            _errors.Add(new(_i + 1, "Headers in a URI ('?...') can't be dialled: remove them."));
            SkipToSeparator();
        }

        return parameters;
    }

    private DialRoute? ResolveRoute(string user, string host, int hostStart, int? port, bool secure, List<SipParameter> parameters)
    {
        // Providers first (DESIGN §6 lists them first), except that the word 'local' always means local.
        bool isLocalKeyword = string.Equals(host, "local", StringComparison.OrdinalIgnoreCase);
        string? provider = isLocalKeyword ? null : _context.FindProvider(host);
        bool local = provider is null && _context.IsLocal(host);
        if (provider is null && !local)
        {
            return DialRoute.Direct(new SipUri(host, user, port, secure, new SipParameters(parameters)));
        }

        string where = provider is not null ? $"provider '{provider}' uses the server set on the Providers page" : $"'{host}' rings the account's registered phones";
        if (port is not null && (provider is not null || isLocalKeyword))
        {
            _errors.Add(new(hostStart + host.Length + 1, $"Remove the port: {where}."));
            return null;
        }

        if (secure || parameters.Count > 0)
        {
            _errors.Add(new(hostStart + 1, $"'sips:' and URI parameters only apply to hosts dialled directly; remove them: {where}."));
            return null;
        }

        return provider is not null ? DialRoute.Provider(provider) : DialRoute.Local;
    }

    private DialLeg? SkipToSeparator()
    {
        int next = _text.IndexOfAny(['|', '&'], _i);
        _i = next < 0 ? _text.Length : next;
        return null;
    }

    private void SkipSpaces()
    {
        while (!AtEnd && _text[_i] is ' ' or '\t')
        {
            _i++;
        }
    }
}

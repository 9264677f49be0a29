using System.Collections.Frozen;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// Canonical header names, and the compact forms of RFC 3261 §7.3.3 and later RFCs. Header names are
/// case-insensitive (§7.3.1); a parsed message stores the canonical string for every name listed here, so lookups
/// compare references first.
/// </summary>
public static class SipHeaderNames
{
    public const string Accept = "Accept";
    public const string AcceptEncoding = "Accept-Encoding";
    public const string AcceptLanguage = "Accept-Language";
    public const string Allow = "Allow";
    public const string AllowEvents = "Allow-Events";
    public const string AuthenticationInfo = "Authentication-Info";
    public const string Authorization = "Authorization";
    public const string CallId = "Call-ID";
    public const string Contact = "Contact";
    public const string ContentDisposition = "Content-Disposition";
    public const string ContentEncoding = "Content-Encoding";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string CSeq = "CSeq";
    public const string Date = "Date";
    public const string Event = "Event";
    public const string Expires = "Expires";
    public const string From = "From";
    public const string MaxForwards = "Max-Forwards";
    public const string MinExpires = "Min-Expires";
    public const string MinSE = "Min-SE";
    public const string Organization = "Organization";
    public const string Path = "Path";
    public const string Priority = "Priority";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string ProxyRequire = "Proxy-Require";
    public const string RAck = "RAck";
    public const string Reason = "Reason";
    public const string RecordRoute = "Record-Route";
    public const string ReferredBy = "Referred-By";
    public const string ReferTo = "Refer-To";
    public const string Replaces = "Replaces";
    public const string Require = "Require";
    public const string RetryAfter = "Retry-After";
    public const string Route = "Route";
    public const string RSeq = "RSeq";
    public const string Server = "Server";
    public const string SessionExpires = "Session-Expires";
    public const string Subject = "Subject";
    public const string SubscriptionState = "Subscription-State";
    public const string Supported = "Supported";
    public const string Timestamp = "Timestamp";
    public const string To = "To";
    public const string Unsupported = "Unsupported";
    public const string UserAgent = "User-Agent";
    public const string Via = "Via";
    public const string Warning = "Warning";
    public const string WwwAuthenticate = "WWW-Authenticate";

    private static readonly FrozenDictionary<string, string> Canonical = BuildCanonical();

    /// <summary>Known long names by length, for matching wire bytes without hashing or decoding.</summary>
    private static readonly string[][] ByLength = Canonical.Values.Where(n => n.Length > 1).Distinct()
        .GroupBy(n => n.Length)
        .Aggregate(new string[20][], (table, group) =>
        {
            table[group.Key] = [.. group];
            return table;
        }, table => Array.ConvertAll(table, names => names ?? []));

    /// <summary>Compact forms by letter (RFC 3261 §7.3.3).</summary>
    private static readonly string?[] ByCompactForm = Enumerable.Range('a', 26)
        .Select(c => Canonical.TryGetValue(((char)c).ToString(), out string? name) ? name : null).ToArray();

    /// <summary>
    /// The canonical form of <paramref name="name"/>: <c>v</c>, <c>VIA</c> and <c>via</c> all give <c>Via</c>.
    /// Unknown names come back unchanged.
    /// </summary>
    public static string Canonicalize(string name) => Canonical.TryGetValue(name, out string? canonical) ? canonical : name;

    /// <summary>The canonical string for a known name or compact form read from the wire (ASCII), else null.</summary>
    internal static string? FindKnown(ReadOnlySpan<byte> name)
    {
        if (name.Length == 1)
        {
            int letter = (name[0] | 0x20) - 'a';
            return (uint)letter < 26 ? ByCompactForm[letter] : null;
        }

        if (name.Length >= ByLength.Length)
        {
            return null;
        }

        int first = name[0] | 0x20;
        foreach (string candidate in ByLength[name.Length])
        {
            if ((candidate[0] | 0x20) == first && Ascii.EqualsIgnoreCase(name, candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static FrozenDictionary<string, string> BuildCanonical()
    {
        string[] names =
        [
            Accept, AcceptEncoding, AcceptLanguage, Allow, AllowEvents, AuthenticationInfo, Authorization, CallId,
            Contact, ContentDisposition, ContentEncoding, ContentLength, ContentType, CSeq, Date, Event, Expires, From,
            MaxForwards, MinExpires, MinSE, Organization, Path, Priority, ProxyAuthenticate, ProxyAuthorization,
            ProxyRequire, RAck, Reason, RecordRoute, ReferredBy, ReferTo, Replaces, Require, RetryAfter, Route, RSeq,
            Server, SessionExpires, Subject, SubscriptionState, Supported, Timestamp, To, Unsupported, UserAgent, Via,
            Warning, WwwAuthenticate,
        ];
        Dictionary<string, string> map = new(StringComparer.OrdinalIgnoreCase);
        foreach (string name in names)
        {
            map[name] = name;
        }

        // Compact forms: RFC 3261 §7.3.3 / §20, RFC 3515 (r), RFC 3892 (b), RFC 6665 (o, u), RFC 4028 (x).
        map["i"] = CallId;
        map["m"] = Contact;
        map["e"] = ContentEncoding;
        map["l"] = ContentLength;
        map["c"] = ContentType;
        map["f"] = From;
        map["s"] = Subject;
        map["k"] = Supported;
        map["t"] = To;
        map["v"] = Via;
        map["r"] = ReferTo;
        map["b"] = ReferredBy;
        map["o"] = Event;
        map["u"] = AllowEvents;
        map["x"] = SessionExpires;
        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}

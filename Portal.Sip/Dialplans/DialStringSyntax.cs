using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

using Portal.Sip.Messages;

namespace Portal.Sip.Dialplans;

/// <summary>
/// The character rules of dial-string user parts and hosts. A user part is checked strictly because it ends up
/// in Request-URIs and From headers: a CR, LF, space, <c>&lt;</c>, <c>&gt;</c>, <c>"</c> or <c>@</c> there, written
/// or %-escaped, could let a caller inject SIP headers (RFC 3261 §25.1 allows far less than people try).
/// </summary>
internal static class DialStringSyntax
{
    /// <summary>
    /// Characters a user part may hold as written: the usual dial characters plus the other RFC 3261 §25.1
    /// <c>unreserved</c>/<c>user-unreserved</c> characters that cannot be mistaken for dial-string syntax.
    /// </summary>
    public static readonly SearchValues<char> UserChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+*#._!~%-'()$=");

    private const string UserHint = "use letters, digits and + * # . _ ! ~ % - only";

    /// <summary>
    /// Checks a user part that starts at 0-based <paramref name="index"/> of the dial string and returns it with
    /// %-escapes resolved, or null after adding an error at the first bad character.
    /// </summary>
    public static string? ValidateUser(string user, int index, string what, List<DialStringError> errors)
    {
        if (user.Length == 0)
        {
            errors.Add(new(index + 1, $"Write the {what} before '@', e.g. 1234@myprovider."));
            return null;
        }

        for (int i = 0; i < user.Length; i++)
        {
            char c = user[i];
            if (!UserChars.Contains(c))
            {
                errors.Add(new(index + i + 1, $"{Describe(c)} is not allowed in the {what} '{Printable(user)}': {UserHint}."));
                return null;
            }

            if (c != '%')
            {
                continue;
            }

            if (i + 2 >= user.Length || !SipChars.IsHex(user[i + 1]) || !SipChars.IsHex(user[i + 2]))
            {
                errors.Add(new(index + i + 1, $"'%' in the {what} must start an escape of two hex digits, e.g. %23 for '#'."));
                return null;
            }

            char decoded = (char)int.Parse(user.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (IsForbiddenInUser(decoded))
            {
                errors.Add(new(index + i + 1, $"'{user.Substring(i, 3)}' in the {what} stands for {Lowered(Describe(decoded))}, which is not allowed: {UserHint}."));
                return null;
            }

            i += 2;
        }

        return UriEscaping.Unescape(user);
    }

    /// <summary>
    /// Checks a host name, IPv4 address or bracketed IPv6 reference that starts at 0-based <paramref name="index"/>;
    /// adds an error and returns false when it is not one.
    /// </summary>
    public static bool ValidateHost(string host, int index, List<DialStringError> errors)
    {
        if (host.StartsWith('['))
        {
            // RFC 3261 §25.1 IPv6reference: hex digits, ':' and '.' only (no zone index).
            bool ipv6 = host.Length > 2 && host[^1] == ']'
                && !host.AsSpan(1, host.Length - 2).ContainsAnyExcept(SipChars.Ipv6)
                && IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out IPAddress? address)
                && address.AddressFamily == AddressFamily.InterNetworkV6;
            if (!ipv6)
            {
                errors.Add(new(index + 1, $"'{Printable(host)}' is not an IPv6 address: write e.g. [2001:db8::1]."));
            }

            return ipv6;
        }

        int bad = host.AsSpan().IndexOfAnyExcept(SipChars.HostName);
        if (host.Length == 0 || bad >= 0)
        {
            errors.Add(new(index + Math.Max(bad, 0) + 1, $"'{Printable(host)}' is not a host name: write a provider name, local, or a domain like example.com."));
            return false;
        }

        string[] labels = host.Split('.');
        if (labels.Any(label => label.Length == 0))
        {
            errors.Add(new(index + 1, $"'{host}' has an empty part between dots: write a host like example.com."));
            return false;
        }

        bool numeric = labels.All(label => label.All(char.IsAsciiDigit));
        if (numeric && (labels.Length != 4 || !IPAddress.TryParse(host, out _)))
        {
            errors.Add(new(index + 1, $"'{host}' is not an IPv4 address: write four numbers from 0 to 255, e.g. 192.0.2.10."));
            return false;
        }

        return true;
    }

    /// <summary>A character as an error message names it.</summary>
    public static string Describe(char c) => c switch
    {
        ' ' => "A space",
        '\r' => "A carriage return (CR)",
        '\n' => "A line feed (LF)",
        '\t' => "A tab",
        _ when char.IsControl(c) => $"The control character U+{(int)c:X4}",
        _ => $"'{c}'",
    };

    /// <summary>Text safe to quote in a message: control characters shown as <c>\r</c>, <c>\n</c> or <c>\u00XX</c>.</summary>
    public static string Printable(string text) =>
        string.Concat(text.Select(c => c switch
        {
            '\r' => "\\r",
            '\n' => "\\n",
            _ when char.IsControl(c) => $"\\u{(int)c:X4}",
            _ => c.ToString(),
        }));

    private static string Lowered(string description) => char.ToLowerInvariant(description[0]) + description[1..];

    private static bool IsForbiddenInUser(char c) => char.IsControl(c) || c is ' ' or '<' or '>' or '"' or '@';
}

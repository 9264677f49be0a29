using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Portal.Sip.Messages;

/// <summary>
/// One Contact value (RFC 3261 §20.10): either <c>*</c> (remove all bindings, §10.2.2) or an address with
/// contact-params such as <c>expires</c> and <c>q</c>. A Contact line may hold several values.
/// </summary>
public sealed class ContactHeader
{
    /// <summary>The <c>*</c> of a REGISTER that removes every binding.</summary>
    public static readonly ContactHeader Wildcard = new(null);

    public ContactHeader(NameAddress? address) => Address = address;

    [MemberNotNullWhen(false, nameof(Address))]
    public bool IsWildcard => Address is null;

    public NameAddress? Address { get; }

    public AbsoluteUri? Uri => Address?.Uri;

    /// <summary>
    /// The <c>expires</c> parameter in seconds. A value beyond 2^32-1 is capped there; a malformed value counts as
    /// 3600, as RFC 3261 §20.19 and RFC 4475 §3.1.2.4 allow.
    /// </summary>
    public uint? Expires => ParseExpires(Address?.Parameters.GetValue("expires"), Address?.Parameters.Contains("expires") == true);

    /// <summary>The <c>q</c> preference, 0 to 1 (RFC 3261 §20.10); null when absent or malformed.</summary>
    public double? Q =>
        double.TryParse(Address?.Parameters.GetValue("q"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double q)
        && q is >= 0 and <= 1 ? q : null;

    public static ContactHeader Parse(string text) =>
        TryParse(text, out ContactHeader? contact) ? contact : throw new FormatException($"'{text}' is not a valid Contact value.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ContactHeader? contact)
    {
        contact = null;
        if (text is null)
        {
            return false;
        }

        ReadOnlySpan<char> s = SipSyntax.Trim(text);
        if (s is "*")
        {
            contact = Wildcard;
            return true;
        }

        if (!NameAddress.TryParse(s, materialise: true, out NameAddress? address))
        {
            return false;
        }

        contact = new ContactHeader(address);
        return true;
    }

    public override string ToString() => Address?.ToString() ?? "*";

    internal static bool IsValid(ReadOnlySpan<char> value) => value is "*" || NameAddress.TryParse(value, materialise: false, out _);

    /// <summary>delta-seconds with the tolerant reading of RFC 3261 §20.19.</summary>
    internal static uint? ParseExpires(string? value, bool present)
    {
        if (!present)
        {
            return null;
        }

        if (value is null || !SipSyntax.IsDigits(value))
        {
            return 3600;
        }

        return SipSyntax.TryParseUInt32(value, out uint seconds) ? seconds : uint.MaxValue;
    }
}

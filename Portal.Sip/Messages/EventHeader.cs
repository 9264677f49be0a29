using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// The Event header (RFC 6665 §8.2.1; compact form <c>o</c>): an event package such as <c>refer</c> or
/// <c>presence.winfo</c>, with an optional <c>id</c> that tells subscriptions of one dialog apart.
/// </summary>
public sealed class EventHeader
{
    public EventHeader(string package, SipParameters? parameters = null)
    {
        if (!SipChars.IsToken(package))
        {
            throw new ArgumentException($"'{package}' is not a valid event package.", nameof(package));
        }

        Package = package;
        Parameters = parameters ?? SipParameters.Empty;
    }

    public string Package { get; }

    public SipParameters Parameters { get; }

    public string? Id => Parameters.GetValue("id");

    public static EventHeader Parse(string text) =>
        TryParse(text, out EventHeader? value) ? value : throw new FormatException($"'{text}' is not a valid Event value.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out EventHeader? value)
    {
        value = null;
        return text is not null && TryParse(SipSyntax.Trim(text), materialise: true, out value);
    }

    public override string ToString()
    {
        StringBuilder sb = new(Package);
        Parameters.AppendHeaderForm(sb);
        return sb.ToString();
    }

    internal static bool IsValid(ReadOnlySpan<char> value) => TryParse(value, materialise: false, out _);

    private static bool TryParse(ReadOnlySpan<char> s, bool materialise, out EventHeader? value)
    {
        value = null;
        int length = s.IsEmpty ? 0 : SipSyntax.TokenLength(s, 0);
        List<SipParameter>? parameters = materialise ? [] : null;
        if (length == 0 || !SipParameters.TryParseHeaderParameters(s, length, parameters))
        {
            return false;
        }

        if (materialise)
        {
            value = new EventHeader(new string(s[..length]), SipParameters.FromList(parameters));
        }

        return true;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// The Replaces header (RFC 3891 §6.1): <c>callid ;to-tag=… ;from-tag=… [;early-only]</c>, naming the dialog a
/// new INVITE replaces. The tags are named from the point of view of the UA that receives the Replaces.
/// </summary>
public sealed class ReplacesHeader
{
    public ReplacesHeader(string callId, string toTag, string fromTag, bool earlyOnly = false, SipParameters? parameters = null)
    {
        CallId = callId;
        SipParameters p = (parameters ?? SipParameters.Empty).With("to-tag", toTag).With("from-tag", fromTag);
        Parameters = earlyOnly ? p.With("early-only", null) : p.Without("early-only");
    }

    private ReplacesHeader(string callId, SipParameters parameters)
    {
        CallId = callId;
        Parameters = parameters;
    }

    public string CallId { get; }

    public SipParameters Parameters { get; }

    public string? ToTag => Parameters.GetValue("to-tag");

    public string? FromTag => Parameters.GetValue("from-tag");

    /// <summary>True for <c>early-only</c>: only an early dialog may be replaced (RFC 3891 §3).</summary>
    public bool EarlyOnly => Parameters.Contains("early-only");

    public static ReplacesHeader Parse(string text) =>
        TryParse(text, out ReplacesHeader? value) ? value : throw new FormatException($"'{text}' is not a valid Replaces value.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ReplacesHeader? value)
    {
        value = null;
        return text is not null && TryParse(SipSyntax.Trim(text), materialise: true, out value);
    }

    public override string ToString()
    {
        StringBuilder sb = new(CallId);
        Parameters.AppendHeaderForm(sb);
        return sb.ToString();
    }

    internal static bool IsValid(ReadOnlySpan<char> value) => TryParse(value, materialise: false, out _);

    private static bool TryParse(ReadOnlySpan<char> s, bool materialise, out ReplacesHeader? value)
    {
        value = null;
        int end = s.IndexOfAny(" \t;");
        end = end < 0 ? s.Length : end;
        if (!CallIdSyntax.IsValid(s[..end]))
        {
            return false;
        }

        List<SipParameter>? parameters = materialise ? [] : null;
        if (!SipParameters.TryParseHeaderParameters(s, end, parameters))
        {
            return false;
        }

        if (materialise)
        {
            value = new ReplacesHeader(new string(s[..end]), SipParameters.FromList(parameters));
        }

        return true;
    }
}

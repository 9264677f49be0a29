namespace Portal.Sip.Dialplans;

/// <summary>One parsed action of a rule (<c>sys.Dial</c>, <c>sys.Respond</c>, <c>sys.Log</c>), at the line and column of its name.</summary>
internal abstract class DialplanAction(int line, int column)
{
    public int Line => line;

    public int Column => column;

    /// <summary>The strings of the action, so the parser can check their <c>$n</c> against the rule's groups.</summary>
    public abstract IEnumerable<DialplanTemplate> Templates { get; }

    /// <summary>The step for one call, strings interpolated; null (with a warning) when the call's values make it unusable.</summary>
    public abstract DialplanStep? ToStep(DialplanValues values, List<string> warnings);

    /// <summary>
    /// Text safe for a status line or a log: interpolated values come from the caller, so control characters
    /// (CR and LF above all, RFC 3261 §25.1 Reason-Phrase) become spaces, and the length is capped.
    /// </summary>
    protected static string Printable(string text, int maxLength)
    {
        string clean = string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
        return clean.Length <= maxLength ? clean : clean[..maxLength];
    }
}

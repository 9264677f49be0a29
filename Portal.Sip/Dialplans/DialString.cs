namespace Portal.Sip.Dialplans;

/// <summary>
/// A parsed dial string (DESIGN §6): <c>|</c> separates groups tried one after another (the next when every leg
/// of the last failed), <c>&amp;</c> separates the legs of a group, rung in parallel (the first 2xx wins).
/// </summary>
/// <param name="Groups">At least one group, in the order they are tried.</param>
public sealed record DialString(IReadOnlyList<DialGroup> Groups)
{
    /// <summary>
    /// Parses <paramref name="text"/> (already interpolated), resolving each leg's host against
    /// <paramref name="context"/>. Errors carry the 1-based column in <paramref name="text"/>.
    /// </summary>
    public static DialStringParseResult Parse(string text, DialStringContext context)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(context);
        return DialStringParser.Parse(text, context, hosts: null);
    }
}

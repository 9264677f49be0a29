using System.Text;

namespace Portal.Sip.Dialplans;

/// <summary>
/// Parses dialplans of kind <c>Rules</c> (DESIGN §6), which keep the look of the original service's Ruby
/// dialplans so that pasted lines work:
/// <code>
/// # comments start with #; the optional `case req.URI.User` ... `end` wrapper is accepted
/// when /^232$/ then sys.Dial("app@voice.example.com[fu=xfer-#{sys.CallNumber}]")
/// when "hold", "music" then sys.Dial("moh@local")
/// when _1NXXNXXXXXX then sys.Log("US number"); sys.Dial("${dst}@myprovider")
/// else sys.Respond(404, "No route")
/// </code>
/// Parsing is pure and the result immutable, so a parsed dialplan can be cached per version and shared by calls.
/// </summary>
public static class RulesDialplanParser
{
    /// <summary>
    /// Parses <paramref name="source"/> into a <see cref="RulesDialplan"/>, or returns every error with its
    /// line and column. Sources over 64 KiB (UTF-8) are refused before they are read.
    /// </summary>
    public static DialplanParseResult Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ParsedDialplan parsed = ParseAll(source);
        return parsed.Errors.Count == 0
            ? new DialplanParseResult(new RulesDialplan(parsed.Rules), [])
            : new DialplanParseResult(null, parsed.Errors);
    }

    /// <summary>Parses without giving up at the first error, keeping every action that parsed for save-time checks.</summary>
    internal static ParsedDialplan ParseAll(string source)
    {
        int bytes = Encoding.UTF8.GetByteCount(source);
        if (bytes > DialplanLimits.MaxSourceBytes)
        {
            return new([], [], [new(1, 1, $"The dialplan is {(bytes + 1023) / 1024} KiB; the limit is {DialplanLimits.MaxSourceBytes / 1024} KiB: remove rules you no longer need, or combine them with regexes.")]);
        }

        string[] lines = source.TrimStart('\uFEFF').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
        }

        List<DialplanError> errors = [];
        List<DialplanToken> tokens = DialplanLexer.Tokenize(lines, errors);
        (List<DialplanRule> rules, List<DialplanAction> actions) = new DialplanStatementParser(new DialplanTokenStream(tokens), lines, errors).Parse();
        return new(rules, actions, [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }
}

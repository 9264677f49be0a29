using System.Text.RegularExpressions;

namespace Portal.Sip.Dialplans;

/// <summary>Turns a matcher token of a <c>when</c> into a <see cref="DialplanMatcher"/>, reporting what is wrong with it.</summary>
internal static class DialplanMatcherCompiler
{
    /// <summary>The matcher for <paramref name="token"/>, or null after adding an error (or when the lexer already did).</summary>
    public static DialplanMatcher? Compile(DialplanToken token, List<DialplanError> errors) => token.Kind switch
    {
        DialplanTokenKind.Regex => CompileRegex(token, errors),
        DialplanTokenKind.Pattern => CompilePattern(token, errors),
        DialplanTokenKind.String => CompileLiteral(token, errors),
        _ => null,
    };

    private static RegexMatcher? CompileRegex(DialplanToken token, List<DialplanError> errors)
    {
        if (token.Text.Length == 0)
        {
            errors.Add(new(token.Line, token.Column, "Write a pattern between the slashes, e.g. /^0(\\d+)$/."));
            return null;
        }

        RegexOptions options = RegexOptions.CultureInvariant | (token.IgnoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            return new RegexMatcher(token.Text, options, $"/{token.Text}/{(token.IgnoreCase ? "i" : "")}");
        }
        catch (ArgumentException ex)
        {
            string detail = ex is RegexParseException parse
                ? $"{Words(parse.Error.ToString())} at character {parse.Offset}"
                : ex.Message;
            errors.Add(new(token.Line, token.Column, $"This regex is not valid ({detail}): write a .NET regular expression, e.g. /^0(\\d+)$/."));
            return null;
        }
    }

    private static RegexMatcher? CompilePattern(DialplanToken token, List<DialplanError> errors)
    {
        string? regex = AsteriskPattern.ToRegex(token.Text, token.Line, token.Column, errors);
        return regex is null
            ? null
            : new RegexMatcher(regex, RegexOptions.CultureInvariant | RegexOptions.Singleline, $"_{token.Text}");
    }

    private static LiteralMatcher? CompileLiteral(DialplanToken token, List<DialplanError> errors)
    {
        DialplanTemplate template = token.Template!;
        if (template.Variables.FirstOrDefault() is { } variable)
        {
            errors.Add(new(token.Line, variable.Column, $"A matcher can't use {variable.Text}: write the exact text to match, or a regex."));
            return null;
        }

        string value = string.Concat(template.Parts.Select(p => p.Text));
        return new LiteralMatcher(value, $"\"{token.Text}\"");
    }

    /// <summary><c>InsufficientClosingParentheses</c> → <c>insufficient closing parentheses</c>.</summary>
    private static string Words(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? $" {char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
}

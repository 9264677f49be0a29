using System.Text;

namespace Portal.Sip.Dialplans;

/// <summary>
/// Reads the inside of a double-quoted dialplan string: the escapes <c>\"</c>, <c>\\</c>, <c>\#</c>, <c>\$</c>;
/// the variables <c>#{req.URI.User}</c>, <c>#{req.URI.Host}</c>, <c>#{req.Header.From.FromURI.User}</c>,
/// <c>#{req.Header.CallId}</c>, <c>#{sys.Username}</c>, <c>#{sys.CallNumber}</c>, <c>#{$1}</c>; and
/// <c>$1</c>…<c>$9</c>, <c>${dst}</c>, <c>${exten}</c> (DESIGN §6). Variable names ignore case, as a typo in
/// case is not worth a failed save.
/// </summary>
internal static class DialplanTemplateReader
{
    private const string KnownVariables =
        "#{req.URI.User}, #{req.URI.Host}, #{req.Header.From.FromURI.User}, #{req.Header.CallId}, #{sys.Username}, #{sys.CallNumber} or $1…$9";

    private static readonly Dictionary<string, TemplatePartKind> Variables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["req.URI.User"] = TemplatePartKind.DialledUser,
        ["req.URI.Host"] = TemplatePartKind.DialledHost,
        ["req.Header.From.FromURI.User"] = TemplatePartKind.FromUser,
        ["req.Header.CallId"] = TemplatePartKind.CallId,
        ["sys.Username"] = TemplatePartKind.OwnerUserName,
        ["sys.CallNumber"] = TemplatePartKind.CallNumber,
    };

    /// <summary>
    /// Reads <paramref name="content"/> (the raw text between the quotes), whose first character is at
    /// <paramref name="firstColumn"/> of <paramref name="line"/>; adds an error for each bad escape or variable.
    /// </summary>
    public static DialplanTemplate Read(string content, int line, int firstColumn, int endColumn, List<DialplanError> errors)
    {
        List<TemplatePart> parts = [];
        StringBuilder literal = new();
        List<int> columns = [];
        int j = 0;
        while (j < content.Length)
        {
            char c = content[j];
            int column = firstColumn + j;
            char next = j + 1 < content.Length ? content[j + 1] : '\0';
            if (c == '\\')
            {
                if (next is '"' or '\\' or '#' or '$')
                {
                    literal.Append(next);
                    columns.Add(column);
                }
                else
                {
                    errors.Add(new(line, column, $"Unknown escape '\\{Shown(next)}' in a string: write \\\" for a quote, \\\\ for a backslash, \\# or \\$ for those characters."));
                }

                j += 2;
                continue;
            }

            bool braced = c is '#' or '$' && next == '{';
            bool group = c == '$' && next is >= '1' and <= '9';
            if (!braced && !group)
            {
                literal.Append(c);
                columns.Add(column);
                j++;
                continue;
            }

            if (literal.Length > 0)
            {
                parts.Add(Literal(literal, columns));
            }

            j += braced
                ? ReadBraced(content, j, line, column, errors, parts)
                : AddPart(parts, new TemplatePart(TemplatePartKind.Group, content.Substring(j, 2), [column], next - '0'));
        }

        if (literal.Length > 0)
        {
            parts.Add(Literal(literal, columns));
        }

        return new DialplanTemplate(parts, line, endColumn);
    }

    /// <summary>Reads <c>#{name}</c> or <c>${name}</c> at <paramref name="start"/>; returns its length, or the rest of the string when unclosed.</summary>
    private static int ReadBraced(string content, int start, int line, int column, List<DialplanError> errors, List<TemplatePart> parts)
    {
        bool hash = content[start] == '#';
        int close = content.IndexOf('}', start + 2);
        if (close < 0)
        {
            errors.Add(new(line, column, $"Close '{content[start]}{{' with '}}', e.g. {(hash ? "#{req.URI.User}" : "${dst}")}."));
            return content.Length - start;
        }

        string written = content[start..(close + 1)];
        string name = content[(start + 2)..close].Trim();
        TemplatePart? part = (hash, name) switch
        {
            (true, ['$', >= '1' and <= '9']) => new TemplatePart(TemplatePartKind.Group, written, [column], name[1] - '0'),
            (true, _) when Variables.TryGetValue(name, out TemplatePartKind kind) => new TemplatePart(kind, written, [column]),
            (false, _) when name.Equals("dst", StringComparison.OrdinalIgnoreCase) || name.Equals("exten", StringComparison.OrdinalIgnoreCase)
                => new TemplatePart(TemplatePartKind.DialledUser, written, [column]),
            _ => null,
        };
        if (part is null)
        {
            errors.Add(new(line, column, hash
                ? $"Unknown variable '{written}': use {KnownVariables}."
                : $"Unknown variable '{written}': use ${{dst}} or ${{exten}} for the dialled number, or {KnownVariables}."));
        }
        else
        {
            parts.Add(part);
        }

        return written.Length;
    }

    private static int AddPart(List<TemplatePart> parts, TemplatePart part)
    {
        parts.Add(part);
        return part.Text.Length;
    }

    private static TemplatePart Literal(StringBuilder literal, List<int> columns)
    {
        TemplatePart part = new(TemplatePartKind.Literal, literal.ToString(), [.. columns]);
        literal.Clear();
        columns.Clear();
        return part;
    }

    private static string Shown(char c) => c == '\0' ? "" : DialStringSyntax.Printable(c.ToString());
}

using System.Text;

namespace Portal.Sip.Dialplans;

/// <summary>
/// A double-quoted dialplan string: literal text and the <c>#{...}</c>, <c>$1</c>…<c>$9</c>, <c>${dst}</c> and
/// <c>${exten}</c> variables in it, with where each piece sits in the source.
/// </summary>
internal sealed class DialplanTemplate(IReadOnlyList<TemplatePart> parts, int line, int endColumn)
{
    /// <summary>The 1-based source line of the string.</summary>
    public int Line => line;

    public IReadOnlyList<TemplatePart> Parts => parts;

    /// <summary>Column of the closing quote (or just past the line when the string was not closed).</summary>
    public int EndColumn => endColumn;

    public bool IsLiteral => parts.All(p => p.Kind == TemplatePartKind.Literal);

    public IEnumerable<TemplatePart> Variables => parts.Where(p => p.Kind != TemplatePartKind.Literal);

    public string Render(DialplanValues values) => string.Concat(parts.Select(values.Resolve));

    /// <summary>
    /// Renders a dial string. Each interpolated value must consist of user-part characters only, so that what a
    /// caller dialled can never add a leg, change a host or add options; otherwise returns false with the culprit.
    /// </summary>
    public bool TryRenderDialString(DialplanValues values, out string text, out TemplatePart? culprit)
    {
        StringBuilder sb = new();
        foreach (TemplatePart part in parts)
        {
            string value = values.Resolve(part);
            if (part.Kind != TemplatePartKind.Literal && value.AsSpan().ContainsAnyExcept(DialStringSyntax.UserChars))
            {
                text = value;
                culprit = part;
                return false;
            }

            sb.Append(value);
        }

        text = sb.ToString();
        culprit = null;
        return true;
    }

    /// <summary>
    /// The string with each variable replaced by a stand-in (<c>1</c>), and the source column of every character
    /// (-1 for stand-ins), so save-time validation can check the written parts of an interpolated dial string.
    /// </summary>
    public (string Text, int[] Columns) RenderWithStandIns()
    {
        StringBuilder sb = new();
        List<int> columns = [];
        foreach (TemplatePart part in parts)
        {
            if (part.Kind == TemplatePartKind.Literal)
            {
                sb.Append(part.Text);
                columns.AddRange(part.Columns);
            }
            else
            {
                sb.Append('1');
                columns.Add(-1);
            }
        }

        return (sb.ToString(), [.. columns]);
    }
}

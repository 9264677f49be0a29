namespace Portal.Sip.Dialplans;

/// <summary>
/// A piece of a dialplan string. For <see cref="TemplatePartKind.Literal"/>, <paramref name="Text"/> is the text
/// with escapes resolved and <paramref name="Columns"/> the source column of each of its characters; for a
/// variable, <paramref name="Text"/> is the variable as written and <paramref name="Columns"/> holds its column.
/// </summary>
internal sealed record TemplatePart(TemplatePartKind Kind, string Text, IReadOnlyList<int> Columns, int Group = 0)
{
    /// <summary>The 1-based source column where the part starts.</summary>
    public int Column => Columns[0];
}

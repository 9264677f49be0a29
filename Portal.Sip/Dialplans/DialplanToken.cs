namespace Portal.Sip.Dialplans;

/// <summary>A token of a <c>Rules</c> dialplan at its 1-based line and column.</summary>
internal sealed record DialplanToken(DialplanTokenKind Kind, string Text, int Line, int Column)
{
    /// <summary>The string's pieces, for <see cref="DialplanTokenKind.String"/>.</summary>
    public DialplanTemplate? Template { get; init; }

    /// <summary>True for a regex written with the <c>i</c> flag.</summary>
    public bool IgnoreCase { get; init; }

    public bool IsWord(string word) => Kind == DialplanTokenKind.Word && string.Equals(Text, word, StringComparison.Ordinal);

    /// <summary>How an error message names the token.</summary>
    public string Shown => Kind switch
    {
        DialplanTokenKind.NewLine => "the end of the line",
        DialplanTokenKind.End => "the end of the dialplan",
        DialplanTokenKind.String => "a string",
        DialplanTokenKind.Regex => "a regex",
        DialplanTokenKind.Pattern => "a pattern",
        DialplanTokenKind.Integer => $"the number {Text}",
        DialplanTokenKind.Word or DialplanTokenKind.OpenParen or DialplanTokenKind.CloseParen or DialplanTokenKind.Comma
            or DialplanTokenKind.Semicolon or DialplanTokenKind.Invalid => $"'{Text}'",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };
}

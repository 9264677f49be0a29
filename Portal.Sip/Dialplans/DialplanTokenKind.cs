namespace Portal.Sip.Dialplans;

/// <summary>The kinds of token in a <c>Rules</c> dialplan.</summary>
internal enum DialplanTokenKind
{
    /// <summary>A keyword or dotted name: <c>when</c>, <c>sys.Dial</c>, <c>req.URI.User</c>.</summary>
    Word,

    Integer,

    /// <summary>A double-quoted string, read into a <see cref="DialplanTemplate"/>.</summary>
    String,

    /// <summary><c>/regex/</c> with optional flags.</summary>
    Regex,

    /// <summary>An Asterisk-style <c>_</c> pattern; the text excludes the underscore.</summary>
    Pattern,

    OpenParen,
    CloseParen,
    Comma,
    Semicolon,
    NewLine,
    End,

    /// <summary>Something the lexer already reported; the parser skips it without a second error.</summary>
    Invalid,
}

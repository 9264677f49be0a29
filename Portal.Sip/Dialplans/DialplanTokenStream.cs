namespace Portal.Sip.Dialplans;

/// <summary>A cursor over a dialplan's tokens, with the skips the parser uses to recover after an error.</summary>
internal sealed class DialplanTokenStream(IReadOnlyList<DialplanToken> tokens)
{
    private int _position;

    /// <summary>The current token; the last token is always <see cref="DialplanTokenKind.End"/>, which is never passed.</summary>
    public DialplanToken Peek => tokens[_position];

    public DialplanToken Next()
    {
        DialplanToken token = tokens[_position];
        if (token.Kind != DialplanTokenKind.End)
        {
            _position++;
        }

        return token;
    }

    public bool At(DialplanTokenKind kind) => Peek.Kind == kind;

    public bool AtLineEnd => Peek.Kind is DialplanTokenKind.NewLine or DialplanTokenKind.End;

    /// <summary>True at a word that starts a statement: <c>when</c>, <c>else</c>, <c>end</c> or <c>case</c>.</summary>
    public bool AtStatement => Peek.IsWord("when") || Peek.IsWord("else") || Peek.IsWord("end") || Peek.IsWord("case");

    public void SkipNewLines()
    {
        while (At(DialplanTokenKind.NewLine))
        {
            Next();
        }
    }

    /// <summary>Skips to the end of the line (leaving the new-line token to be read).</summary>
    public void SkipLine()
    {
        while (!AtLineEnd)
        {
            Next();
        }
    }

    /// <summary>Skips to the next ';' or end of line, where the next action may start.</summary>
    public void SkipAction()
    {
        while (!AtLineEnd && !At(DialplanTokenKind.Semicolon))
        {
            Next();
        }
    }

    /// <summary>Skips to a <c>then</c> on this line, returning false (at the line's end) when there is none.</summary>
    public bool SkipToThen()
    {
        while (!AtLineEnd && !Peek.IsWord("then"))
        {
            Next();
        }

        return Peek.IsWord("then");
    }
}

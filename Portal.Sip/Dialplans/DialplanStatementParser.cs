namespace Portal.Sip.Dialplans;

/// <summary>
/// Reads the statements of a <c>Rules</c> dialplan: the optional <c>case req.URI.User</c> … <c>end</c> wrapper,
/// <c>when &lt;matchers&gt; then &lt;actions&gt;</c> rules and a final <c>else &lt;actions&gt;</c>. As in Ruby, a rule's
/// actions may follow <c>then</c> on the same line (separated by <c>;</c>) or sit on the lines below it. After an
/// error it skips to the next action or line and goes on, so one save shows every mistake.
/// </summary>
internal sealed class DialplanStatementParser(DialplanTokenStream tokens, IReadOnlyList<string> lines, List<DialplanError> errors)
{
    private const string Example = "when /^1\\d+$/ then sys.Dial(\"${dst}@myprovider\")";

    private readonly List<DialplanRule> _rules = [];
    private readonly List<DialplanAction> _actions = [];
    private DialplanToken? _case;
    private DialplanToken? _else;
    private bool _ended;
    private int _statements;

    /// <summary>The rules that parsed cleanly, and every action that did (even in a rule with errors), for save-time checks.</summary>
    public (List<DialplanRule> Rules, List<DialplanAction> Actions) Parse()
    {
        tokens.SkipNewLines();
        if (tokens.Peek.IsWord("case"))
        {
            ParseCase(tokens.Next());
        }

        while (true)
        {
            SkipSeparators();
            DialplanToken token = tokens.Peek;
            if (token.Kind == DialplanTokenKind.End)
            {
                break;
            }

            if (_ended)
            {
                Error(token, "Nothing may follow 'end': move these lines above it, or remove them.");
                break;
            }

            if (token.IsWord("when") || token.IsWord("else"))
            {
                ParseRule(tokens.Next());
            }
            else if (token.IsWord("end"))
            {
                ParseEnd(tokens.Next());
            }
            else
            {
                if (token.Kind != DialplanTokenKind.Invalid)
                {
                    Error(token, token.IsWord("case")
                        ? "'case req.URI.User' may only come first, before the rules: remove this one."
                        : $"Expected 'when' or 'else' to start a rule, not {token.Shown}: write e.g. {Example}.");
                }

                tokens.Next();
                tokens.SkipLine();
            }
        }

        if (_case is not null && !_ended)
        {
            Error(_case, "Close 'case req.URI.User' with 'end' on a line after the last rule.");
        }

        if (_statements == 0 && errors.Count == 0)
        {
            errors.Add(new(1, 1, $"The dialplan has no rules: add one, e.g. {Example}, and perhaps else sys.Respond(404, \"Not Found\")."));
        }

        return (_rules, _actions);
    }

    private void ParseCase(DialplanToken caseToken)
    {
        _case = caseToken;
        DialplanToken subject = tokens.Peek;
        if (!subject.IsWord("req.URI.User"))
        {
            Error(subject, $"Only 'case req.URI.User' is supported (rules match the dialled user), not {subject.Shown}.");
        }
        else
        {
            tokens.Next();
            if (!tokens.AtLineEnd)
            {
                Error(tokens.Peek, "Start the first rule on the line after 'case req.URI.User'.");
            }
        }

        tokens.SkipLine();
    }

    private void ParseEnd(DialplanToken endToken)
    {
        if (_case is null)
        {
            Error(endToken, "Remove this 'end': it closes a 'case req.URI.User' line, and there is none.");
        }
        else
        {
            _ended = true;
        }

        if (!tokens.AtLineEnd)
        {
            Error(tokens.Peek, "Nothing may follow 'end' on its line: remove it.");
            tokens.SkipLine();
        }
    }

    private void ParseRule(DialplanToken keyword)
    {
        int errorsBefore = errors.Count;
        bool isElse = keyword.Text == "else";
        if (++_statements == DialplanLimits.MaxRules + 1)
        {
            Error(keyword, $"A dialplan can have at most {DialplanLimits.MaxRules} rules: combine rules with regexes, or remove some.");
        }

        if (_else is not null)
        {
            Error(keyword, isElse
                ? $"There is already an 'else' on line {_else.Line}: keep one."
                : $"This rule comes after the 'else' on line {_else.Line} and would never run: move the 'else' rule to the end.");
        }

        _else = isElse ? _else ?? keyword : _else;
        List<DialplanMatcher> matchers = [];
        bool matchersOk = isElse || ParseMatchers(matchers);
        (List<DialplanAction> actions, int attempted) = ParseActions();
        _actions.AddRange(actions);
        if (attempted == 0 && matchersOk && errors.Count == errorsBefore)
        {
            Error(keyword, $"This rule has no actions: add one after '{(isElse ? "else" : "then")}', e.g. sys.Dial(\"${{dst}}@myprovider\").");
        }

        if (matchersOk)
        {
            CheckGroups(matchers, actions);
        }

        if (errors.Count == errorsBefore)
        {
            _rules.Add(new DialplanRule(keyword.Line, lines[keyword.Line - 1].Trim(), matchers, actions));
        }
    }

    /// <summary>Reads the matchers up to <c>then</c> (or ';', or the end of the line); false when one of them was bad.</summary>
    private bool ParseMatchers(List<DialplanMatcher> matchers)
    {
        bool ok = true;
        while (true)
        {
            DialplanToken token = tokens.Peek;
            if (token.Kind is DialplanTokenKind.String or DialplanTokenKind.Regex or DialplanTokenKind.Pattern)
            {
                tokens.Next();
                DialplanMatcher? matcher = DialplanMatcherCompiler.Compile(token, errors);
                ok &= matcher is not null;
                if (matcher is not null)
                {
                    matchers.Add(matcher);
                }
            }
            else
            {
                if (token.Kind != DialplanTokenKind.Invalid)
                {
                    Error(token, tokens.AtLineEnd || token.IsWord("then") || token.Kind == DialplanTokenKind.Comma
                        ? "Write what to match after 'when': a regex like /^1\\d+$/, a \"literal\" or a pattern like _1NXXNXXXXXX."
                        : $"Expected a regex /.../, a \"literal\" or an _pattern to match, not {token.Shown}.");
                }

                return Recover();
            }

            DialplanToken separator = tokens.Peek;
            if (separator.Kind == DialplanTokenKind.Comma)
            {
                tokens.Next();
                tokens.SkipNewLines();
                continue;
            }

            if (separator.IsWord("then") || separator.Kind == DialplanTokenKind.Semicolon)
            {
                tokens.Next();
                return ok;
            }

            if (tokens.AtLineEnd)
            {
                return ok;
            }

            if (separator.Kind != DialplanTokenKind.Invalid)
            {
                Error(separator, $"Expected ',' or 'then' after the matcher, not {separator.Shown}: write e.g. when \"hold\", \"music\" then sys.Dial(\"moh@local\").");
            }

            return Recover();
        }
    }

    /// <summary>After a bad matcher: carry on with the actions after <c>then</c> if the line has one.</summary>
    private bool Recover()
    {
        if (tokens.SkipToThen())
        {
            tokens.Next();
        }

        return false;
    }

    /// <summary>Reads actions up to the next statement; also counts those attempted, good or bad.</summary>
    private (List<DialplanAction> Actions, int Attempted) ParseActions()
    {
        List<DialplanAction> actions = [];
        int attempted = 0;
        while (true)
        {
            SkipSeparators();
            if (tokens.At(DialplanTokenKind.End) || tokens.AtStatement)
            {
                return (actions, attempted);
            }

            attempted++;
            if (DialplanActionParser.Parse(tokens, errors) is not { } action)
            {
                continue;
            }

            actions.Add(action);
            if (!tokens.AtLineEnd && !tokens.At(DialplanTokenKind.Semicolon))
            {
                if (tokens.Peek.Kind != DialplanTokenKind.Invalid)
                {
                    Error(tokens.Peek, $"Expected ';' or the end of the line after the action, not {tokens.Peek.Shown}: separate actions with ';'.");
                }

                tokens.SkipAction();
            }
        }
    }

    /// <summary><c>$n</c> must name a capture group of the rule's regex (DESIGN §6), or the text would silently be empty.</summary>
    private void CheckGroups(List<DialplanMatcher> matchers, List<DialplanAction> actions)
    {
        int groups = matchers.Count == 0 ? 0 : matchers.Max(m => m.GroupCount);
        IEnumerable<(int Line, TemplatePart Part)> references = actions
            .SelectMany(a => a.Templates)
            .SelectMany(t => t.Variables.Select(v => (t.Line, Part: v)))
            .Where(r => r.Part.Kind == TemplatePartKind.Group && r.Part.Group > groups);
        foreach ((int line, TemplatePart reference) in references)
        {
            errors.Add(new(line, reference.Column, groups == 0
                ? $"{reference.Text} stands for a capture group of the rule's regex, and this rule has none: capture with parentheses, e.g. when /^0(\\d+)$/, or use ${{dst}} for the whole number."
                : $"{reference.Text} stands for capture group {reference.Group}, but this rule's regex has only {groups}."));
        }
    }

    private void SkipSeparators()
    {
        while (tokens.At(DialplanTokenKind.NewLine) || tokens.At(DialplanTokenKind.Semicolon))
        {
            tokens.Next();
        }
    }

    private void Error(DialplanToken token, string message) => errors.Add(new(token.Line, token.Column, message));
}

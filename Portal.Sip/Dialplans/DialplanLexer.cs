namespace Portal.Sip.Dialplans;

/// <summary>
/// Splits a <c>Rules</c> dialplan into tokens, line by line: strings, regexes and <c>_</c> patterns never span
/// lines, and <c>#</c> starts a comment except inside them. Every line ends with a
/// <see cref="DialplanTokenKind.NewLine"/> token, the source with <see cref="DialplanTokenKind.End"/>.
/// </summary>
internal sealed class DialplanLexer
{
    private readonly List<DialplanToken> _tokens = [];
    private readonly List<DialplanError> _errors;
    private string _text = "";
    private int _line;

    private DialplanLexer(List<DialplanError> errors)
    {
        _errors = errors;
    }

    public static List<DialplanToken> Tokenize(IReadOnlyList<string> lines, List<DialplanError> errors)
    {
        DialplanLexer lexer = new(errors);
        for (int n = 0; n < lines.Count; n++)
        {
            lexer._line = n + 1;
            lexer._text = lines[n];
            lexer.TokenizeLine();
        }

        int lastLine = Math.Max(lines.Count, 1);
        lexer._tokens.Add(new(DialplanTokenKind.End, "", lastLine, (lines.Count > 0 ? lines[^1].Length : 0) + 1));
        return lexer._tokens;
    }

    private void TokenizeLine()
    {
        int i = 0;
        while (i < _text.Length)
        {
            char c = _text[i];
            if (c is ' ' or '\t')
            {
                i++;
                continue;
            }

            if (c == '#')
            {
                break;
            }

            i = c switch
            {
                '"' => ReadString(i),
                '\'' => ReadSingleQuoted(i),
                '/' => ReadRegex(i),
                '_' => ReadPattern(i),
                '(' => Add(DialplanTokenKind.OpenParen, i, 1),
                ')' => Add(DialplanTokenKind.CloseParen, i, 1),
                ',' => Add(DialplanTokenKind.Comma, i, 1),
                ';' => Add(DialplanTokenKind.Semicolon, i, 1),
                _ when char.IsAsciiLetter(c) => ReadWord(i),
                _ when char.IsAsciiDigit(c) => Add(DialplanTokenKind.Integer, i, Run(i, char.IsAsciiDigit)),
                _ => Unexpected(i),
            };
        }

        _tokens.Add(new(DialplanTokenKind.NewLine, "", _line, _text.Length + 1));
    }

    private int ReadWord(int start)
    {
        int i = start + Run(start, IsWordChar);
        while (i + 1 < _text.Length && _text[i] == '.' && (char.IsAsciiLetter(_text[i + 1]) || _text[i + 1] == '_'))
        {
            i += 1 + Run(i + 1, IsWordChar);
        }

        return Add(DialplanTokenKind.Word, start, i - start);
    }

    private int ReadString(int start)
    {
        int end = ClosingIndex(start, '"');
        bool closed = end < _text.Length;
        if (!closed)
        {
            Error(start, "Close the string with a double quote (\") on the same line.");
        }

        string content = _text[(start + 1)..Math.Min(end, _text.Length)];
        DialplanTemplate template = DialplanTemplateReader.Read(content, _line, start + 2, Math.Min(end, _text.Length) + 1, _errors);
        _tokens.Add(new(DialplanTokenKind.String, content, _line, start + 1) { Template = template });
        if (!closed)
        {
            // Whatever was meant to follow the string went into it: stop the parser from reporting that too.
            _tokens.Add(new(DialplanTokenKind.Invalid, "", _line, _text.Length + 1));
        }

        return Math.Min(end + 1, _text.Length);
    }

    /// <summary>Ruby's single quotes: reported, then read as a plain string so the rest of the line still gets checked.</summary>
    private int ReadSingleQuoted(int start)
    {
        int end = ClosingIndex(start, '\'');
        Error(start, "Use double quotes for strings, e.g. \"hold\".");
        int stop = Math.Min(end, _text.Length);
        List<TemplatePart> parts = stop > start + 1
            ? [new(TemplatePartKind.Literal, _text[(start + 1)..stop], [.. Enumerable.Range(start + 2, stop - start - 1)])]
            : [];
        _tokens.Add(new(DialplanTokenKind.String, _text[(start + 1)..stop], _line, start + 1) { Template = new(parts, _line, stop + 1) });
        return Math.Min(end + 1, _text.Length);
    }

    private int ReadRegex(int start)
    {
        int end = ClosingIndex(start, '/');
        if (end >= _text.Length)
        {
            Error(start, "Close the regex with '/' on the same line, e.g. /^0(\\d+)$/.");
            return Add(DialplanTokenKind.Invalid, start, _text.Length - start);
        }

        int flagsEnd = end + 1 + Run(end + 1, char.IsAsciiLetter);
        bool ignoreCase = false;
        bool valid = true;
        for (int f = end + 1; f < flagsEnd; f++)
        {
            if (_text[f] == 'i')
            {
                ignoreCase = true;
            }
            else
            {
                Error(f, $"Unknown regex option '{_text[f]}': only 'i' (ignore case) is supported.");
                valid = false;
            }
        }

        DialplanTokenKind kind = valid ? DialplanTokenKind.Regex : DialplanTokenKind.Invalid;
        _tokens.Add(new(kind, _text[(start + 1)..end], _line, start + 1) { IgnoreCase = ignoreCase });
        return flagsEnd;
    }

    /// <summary>An Asterisk pattern runs from the '_' to the next space, ',' or ';' ('#' is a dial key there, not a comment).</summary>
    private int ReadPattern(int start)
    {
        int length = Run(start + 1, c => c is not (' ' or '\t' or ',' or ';'));
        _tokens.Add(new(DialplanTokenKind.Pattern, _text.Substring(start + 1, length), _line, start + 1));
        return start + 1 + length;
    }

    private int Unexpected(int i)
    {
        char c = _text[i];
        string hint = c switch
        {
            '+' => "to join text, put the variable inside the string, e.g. \"#{req.URI.User}@local\"",
            '{' or '}' => "variables go inside a string, e.g. \"#{req.URI.User}\"",
            '-' => "numbers can't be negative here",
            _ => "a rule looks like: when /^1\\d+$/ then sys.Dial(\"${dst}@myprovider\")",
        };
        Error(i, $"Unexpected {DialStringSyntax.Describe(c)}: {hint}.");
        return Add(DialplanTokenKind.Invalid, i, 1);
    }

    /// <summary>Index of the quote or slash closing the one at <paramref name="start"/> (a backslash escapes the next character), or past the line.</summary>
    private int ClosingIndex(int start, char quote)
    {
        int j = start + 1;
        while (j < _text.Length && _text[j] != quote)
        {
            j += _text[j] == '\\' ? 2 : 1;
        }

        return Math.Min(j, _text.Length);
    }

    private int Run(int start, Func<char, bool> predicate)
    {
        int i = start;
        while (i < _text.Length && predicate(_text[i]))
        {
            i++;
        }

        return i - start;
    }

    private int Add(DialplanTokenKind kind, int start, int length)
    {
        _tokens.Add(new(kind, _text.Substring(start, length), _line, start + 1));
        return start + length;
    }

    private void Error(int index, string message) => _errors.Add(new(_line, index + 1, message));

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}

using System.Globalization;

namespace Portal.Sip.Dialplans;

/// <summary>
/// Reads one action: <c>sys.Dial(dialString[, ringSeconds[, maxCallSeconds]])</c>, <c>sys.Respond(code, "reason")</c>
/// or <c>sys.Log("text")</c> (DESIGN §6). As in Ruby, the parentheses may be left out.
/// </summary>
internal static class DialplanActionParser
{
    private static readonly string[] Functions = ["sys.Dial", "sys.Respond", "sys.Log"];

    /// <summary>Reads an action, or adds its errors, skips to where the next action may start and returns null.</summary>
    public static DialplanAction? Parse(DialplanTokenStream tokens, List<DialplanError> errors)
    {
        DialplanToken name = tokens.Next();
        int errorsBefore = errors.Count;
        List<DialplanToken>? arguments = null;
        if (name.Kind == DialplanTokenKind.Word && Functions.Contains(name.Text, StringComparer.Ordinal))
        {
            arguments = ReadArguments(tokens, errors);
        }
        else if (name.Kind == DialplanTokenKind.Word)
        {
            string? meant = Functions.FirstOrDefault(f => f.Equals(name.Text, StringComparison.OrdinalIgnoreCase)
                || f.EndsWith("." + name.Text, StringComparison.OrdinalIgnoreCase));
            errors.Add(new(name.Line, name.Column, meant is not null
                ? $"Unknown function '{name.Text}': write {meant}. The functions are sys.Dial, sys.Respond and sys.Log."
                : $"Unknown function '{name.Text}': use sys.Dial(\"1234@myprovider\"), sys.Respond(404, \"Not Found\") or sys.Log(\"text\")."));
        }
        else if (name.Kind != DialplanTokenKind.Invalid)
        {
            errors.Add(new(name.Line, name.Column, $"Expected an action, not {name.Shown}: use sys.Dial(...), sys.Respond(...) or sys.Log(...)."));
        }

        DialplanAction? action = arguments is null ? null : name.Text switch
        {
            "sys.Dial" => Dial(name, arguments, errors),
            "sys.Respond" => Respond(name, arguments, errors),
            _ => Log(name, arguments, errors),
        };
        if (action is null || errors.Count > errorsBefore)
        {
            tokens.SkipAction();
            return null;
        }

        return action;
    }

    /// <summary>Reads <c>(arg, ...)</c> or, without parentheses, the arguments up to the end of the action; null after an error.</summary>
    private static List<DialplanToken>? ReadArguments(DialplanTokenStream tokens, List<DialplanError> errors)
    {
        List<DialplanToken> arguments = [];
        bool parenthesised = tokens.At(DialplanTokenKind.OpenParen);
        if (parenthesised)
        {
            tokens.Next();
            if (tokens.At(DialplanTokenKind.CloseParen))
            {
                tokens.Next();
                return arguments;
            }
        }
        else if (tokens.AtLineEnd || tokens.At(DialplanTokenKind.Semicolon))
        {
            return arguments;
        }

        while (true)
        {
            DialplanToken argument = tokens.Peek;
            if (argument.Kind is not (DialplanTokenKind.String or DialplanTokenKind.Integer))
            {
                AddArgumentError(argument, errors);
                return null;
            }

            arguments.Add(tokens.Next());
            DialplanToken separator = tokens.Peek;
            if (separator.Kind == DialplanTokenKind.Comma)
            {
                tokens.Next();
                tokens.SkipNewLines();
                continue;
            }

            if (parenthesised && separator.Kind == DialplanTokenKind.CloseParen)
            {
                tokens.Next();
                return arguments;
            }

            if (!parenthesised && (tokens.AtLineEnd || separator.Kind == DialplanTokenKind.Semicolon))
            {
                return arguments;
            }

            if (separator.Kind != DialplanTokenKind.Invalid)
            {
                errors.Add(new(separator.Line, separator.Column, parenthesised
                    ? $"Expected ',' or ')' here, not {separator.Shown}: separate arguments with ',' and close the call with ')'."
                    : $"Expected ',' or the end of the action here, not {separator.Shown}: separate actions with ';'."));
            }

            return null;
        }
    }

    private static void AddArgumentError(DialplanToken argument, List<DialplanError> errors)
    {
        string? message = argument.Kind switch
        {
            DialplanTokenKind.Invalid => null,
            DialplanTokenKind.Word when argument.Text.StartsWith("req.", StringComparison.Ordinal) || argument.Text.StartsWith("sys.", StringComparison.Ordinal)
                => $"'{argument.Text}' can't stand alone: put variables inside a string, e.g. \"#{{{argument.Text}}}\".",
            _ => $"Expected a string in double quotes or a number, not {argument.Shown}.",
        };
        if (message is not null)
        {
            errors.Add(new(argument.Line, argument.Column, message));
        }
    }

    private static DialAction? Dial(DialplanToken name, List<DialplanToken> arguments, List<DialplanError> errors)
    {
        const string Usage = "sys.Dial(\"1234@myprovider\", ringSeconds, maxCallSeconds)";
        if (!CheckCount(name, arguments, 1, 3, $"sys.Dial takes a dial string and optionally ring and maximum call seconds: {Usage}.", errors))
        {
            return null;
        }

        DialplanTemplate? dial = Text(arguments[0], "The first argument of sys.Dial is the dial string in double quotes, e.g. sys.Dial(\"1234@myprovider\").", errors);
        int? ring = arguments.Count > 1
            ? Number(arguments[1], 1, DialplanLimits.MaxRingSeconds, $"Ring seconds must be a whole number from 1 to {DialplanLimits.MaxRingSeconds}, e.g. sys.Dial(\"1234@myprovider\", 30).", errors)
            : null;
        int? maxCall = arguments.Count > 2
            ? Number(arguments[2], 1, DialplanLimits.MaxCallSeconds, $"Maximum call seconds must be a whole number from 1 to {DialplanLimits.MaxCallSeconds}, e.g. sys.Dial(\"1234@myprovider\", 30, 3600).", errors)
            : null;
        bool ok = dial is not null && (arguments.Count < 2 || ring is not null) && (arguments.Count < 3 || maxCall is not null);
        return ok ? new DialAction(name.Line, name.Column, dial!, ring, maxCall) : null;
    }

    private static RespondAction? Respond(DialplanToken name, List<DialplanToken> arguments, List<DialplanError> errors)
    {
        if (!CheckCount(name, arguments, 2, 2, "sys.Respond takes a status code and a reason: write sys.Respond(404, \"Not Found\").", errors))
        {
            return null;
        }

        int? code = Number(arguments[0], 300, 699, "sys.Respond sends a final refusal or redirect: use a status code from 300 to 699, e.g. sys.Respond(486, \"Busy Here\").", errors);
        DialplanTemplate? reason = Text(arguments[1], "The reason of sys.Respond is a string in double quotes, e.g. sys.Respond(404, \"Not Found\").", errors);
        return code is not null && reason is not null ? new RespondAction(name.Line, name.Column, code.Value, reason) : null;
    }

    private static LogAction? Log(DialplanToken name, List<DialplanToken> arguments, List<DialplanError> errors)
    {
        if (!CheckCount(name, arguments, 1, 1, "sys.Log takes one string: write sys.Log(\"text\").", errors))
        {
            return null;
        }

        DialplanTemplate? text = Text(arguments[0], "sys.Log takes a string in double quotes, e.g. sys.Log(\"calling #{req.URI.User}\").", errors);
        return text is null ? null : new LogAction(name.Line, name.Column, text);
    }

    private static bool CheckCount(DialplanToken name, List<DialplanToken> arguments, int min, int max, string usage, List<DialplanError> errors)
    {
        if (arguments.Count >= min && arguments.Count <= max)
        {
            return true;
        }

        DialplanToken at = arguments.Count > max ? arguments[max] : name;
        errors.Add(new(at.Line, at.Column, usage));
        return false;
    }

    private static DialplanTemplate? Text(DialplanToken argument, string message, List<DialplanError> errors)
    {
        if (argument.Kind == DialplanTokenKind.String)
        {
            return argument.Template;
        }

        errors.Add(new(argument.Line, argument.Column, message));
        return null;
    }

    private static int? Number(DialplanToken argument, int min, int max, string message, List<DialplanError> errors)
    {
        if (argument.Kind == DialplanTokenKind.Integer
            && int.TryParse(argument.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(new(argument.Line, argument.Column, message));
        return null;
    }
}

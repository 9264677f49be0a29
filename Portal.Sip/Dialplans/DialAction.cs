namespace Portal.Sip.Dialplans;

/// <summary><c>sys.Dial(dialString[, ringSeconds[, maxCallSeconds]])</c>.</summary>
internal sealed class DialAction(int line, int column, DialplanTemplate dialString, int? ringSeconds, int? maxCallSeconds)
    : DialplanAction(line, column)
{
    public DialplanTemplate DialStringTemplate => dialString;

    public override IEnumerable<DialplanTemplate> Templates => [dialString];

    public override DialplanStep? ToStep(DialplanValues values, List<string> warnings)
    {
        if (!dialString.TryRenderDialString(values, out string text, out TemplatePart? culprit))
        {
            warnings.Add($"Line {Line}: {culprit!.Text} is '{Printable(text, 64)}', which can't be part of a dial string; this sys.Dial was skipped.");
            return null;
        }

        DialStringParseResult result = DialString.Parse(text, values.Context.Routes);
        if (!result.Succeeded)
        {
            DialStringError first = result.Errors[0];
            warnings.Add($"Line {Line}: the dial string '{Printable(text, 128)}' is not valid (column {first.Column}: {first.Message}); this sys.Dial was skipped.");
            return null;
        }

        return new DialStep(result.Value, ringSeconds, maxCallSeconds, text);
    }
}

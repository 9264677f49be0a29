namespace Portal.Sip.Dialplans;

/// <summary><c>sys.Log("text")</c>.</summary>
internal sealed class LogAction(int line, int column, DialplanTemplate text) : DialplanAction(line, column)
{
    public override IEnumerable<DialplanTemplate> Templates => [text];

    public override DialplanStep ToStep(DialplanValues values, List<string> warnings) =>
        new LogStep(Printable(text.Render(values), DialplanLimits.MaxLogLength));
}

namespace Portal.Sip.Dialplans;

/// <summary><c>sys.Respond(code, "reason")</c>.</summary>
internal sealed class RespondAction(int line, int column, int code, DialplanTemplate reason) : DialplanAction(line, column)
{
    public override IEnumerable<DialplanTemplate> Templates => [reason];

    public override DialplanStep ToStep(DialplanValues values, List<string> warnings) =>
        new RespondStep(code, Printable(reason.Render(values), DialplanLimits.MaxReasonLength));
}

namespace Portal.Sip.Dialplans;

/// <summary><c>sys.Log("text")</c>: write a line to the call's log, then go on to the next step.</summary>
/// <param name="Text">The interpolated text, free of control characters.</param>
public sealed record LogStep(string Text) : DialplanStep;

namespace Portal.Sip.Dialplans;

/// <summary>The rule that decided a call: its 1-based line in the source and that line's text, for the portal's Test panel.</summary>
public sealed record DialplanRuleMatch(int Line, string Text);

namespace Portal.Sip.Dialplans;

/// <summary>
/// One parsed rule: a <c>when</c> with its matchers, or the <c>else</c> (no matchers), and its actions in order.
/// </summary>
/// <param name="Line">The 1-based line of the <c>when</c> or <c>else</c>.</param>
/// <param name="Text">That line's text, trimmed, for the portal's Test panel.</param>
internal sealed record DialplanRule(int Line, string Text, IReadOnlyList<DialplanMatcher> Matchers, IReadOnlyList<DialplanAction> Actions)
{
    public bool IsElse => Matchers.Count == 0;
}

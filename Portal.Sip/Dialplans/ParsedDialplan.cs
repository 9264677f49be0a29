namespace Portal.Sip.Dialplans;

/// <summary>
/// Everything one pass over a source found: the rules that parsed cleanly, every action that did (save-time
/// validation checks their dial strings even when other lines have errors), and the errors by line and column.
/// </summary>
internal sealed record ParsedDialplan(IReadOnlyList<DialplanRule> Rules, IReadOnlyList<DialplanAction> Actions, IReadOnlyList<DialplanError> Errors);

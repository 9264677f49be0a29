namespace Portal.Sip.Dialplans;

/// <summary>The legs of a dial string between two <c>|</c>: rung in parallel, the first to answer wins and the rest are cancelled.</summary>
/// <param name="Legs">At least one leg.</param>
public sealed record DialGroup(IReadOnlyList<DialLeg> Legs);

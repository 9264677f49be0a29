namespace Portal.Sip.Dialplans;

/// <summary>A <c>"literal"</c> matcher: the dialled user equals the text exactly (SIP user parts compare case-sensitively, RFC 3261 §19.1.4).</summary>
internal sealed class LiteralMatcher(string value, string text) : DialplanMatcher(text)
{
    public override int GroupCount => 0;

    public override IReadOnlyList<string>? Match(string user, DialplanBudget budget, int line) =>
        string.Equals(user, value, StringComparison.Ordinal) ? [user] : null;
}

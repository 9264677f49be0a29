namespace Portal.Sip.Dialplans;

/// <summary>One matcher of a <c>when</c>: a regex, a <c>_</c> pattern or a literal, as written in the source.</summary>
internal abstract class DialplanMatcher(string text)
{
    /// <summary>The matcher as written, for warnings.</summary>
    public string Text => text;

    /// <summary>How many capture groups <c>$1</c>… may refer to.</summary>
    public abstract int GroupCount { get; }

    /// <summary>
    /// Matches the dialled user: null when it does not match, otherwise the groups (index 0 the whole match).
    /// A match that cannot finish within what is left of <paramref name="budget"/> throws
    /// <see cref="DialplanBudgetExceededException"/> naming <paramref name="line"/>.
    /// </summary>
    public abstract IReadOnlyList<string>? Match(string user, DialplanBudget budget, int line);
}

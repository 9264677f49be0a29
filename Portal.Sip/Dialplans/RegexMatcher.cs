using System.Text.RegularExpressions;

namespace Portal.Sip.Dialplans;

/// <summary>
/// A <c>/regex/</c> or a <c>_</c> pattern compiled to one. A .NET regex's time limit is fixed when it is built,
/// so each match uses an instance whose limit is the largest power of two milliseconds within the budget left
/// (built on first need, then kept): no match can outlast the evaluation's budget, and a healthy dialplan, which
/// decides in well under a millisecond, only ever uses the one instance built with the default budget in mind.
/// </summary>
internal sealed class RegexMatcher : DialplanMatcher
{
    /// <summary>Limits of 1, 2, 4 … 32 768 ms; budgets are capped well below the largest.</summary>
    private const int Slots = 16;

    /// <summary>64 ms: the slot a match lands in while most of the default 100 ms budget is left.</summary>
    private const int ParsedSlot = 6;

    private readonly string _pattern;
    private readonly RegexOptions _options;
    private readonly Regex?[] _byLimit = new Regex?[Slots];

    /// <summary>Builds the regex, so a syntax error shows when the dialplan is parsed.</summary>
    /// <exception cref="ArgumentException">The pattern is not a valid .NET regex.</exception>
    public RegexMatcher(string pattern, RegexOptions options, string text)
        : base(text)
    {
        _pattern = pattern;
        _options = options;
        Regex parsed = new(pattern, options, Limit(ParsedSlot));
        _byLimit[ParsedSlot] = parsed;
        GroupCount = parsed.GetGroupNumbers().Max();
    }

    public override int GroupCount { get; }

    public override IReadOnlyList<string>? Match(string user, DialplanBudget budget, int line)
    {
        TimeSpan remaining = budget.Remaining;
        if (remaining < TimeSpan.FromMilliseconds(1))
        {
            throw new DialplanBudgetExceededException(budget.Allowed, line);
        }

        int slot = Math.Min(Slots - 1, (int)Math.Floor(Math.Log2(remaining.TotalMilliseconds)));
        Regex regex = _byLimit[slot] ?? Interlocked.CompareExchange(ref _byLimit[slot], new Regex(_pattern, _options, Limit(slot)), null) ?? _byLimit[slot]!;
        Match match;
        try
        {
            match = regex.Match(user);
        }
        catch (RegexMatchTimeoutException)
        {
            // The match could not finish in the time left, so neither can the evaluation.
            throw new DialplanBudgetExceededException(budget.Allowed, line);
        }

        if (!match.Success)
        {
            return null;
        }

        string[] groups = new string[10];
        for (int n = 0; n < groups.Length; n++)
        {
            groups[n] = n < match.Groups.Count ? match.Groups[n].Value : "";
        }

        return groups;
    }

    private static TimeSpan Limit(int slot) => TimeSpan.FromMilliseconds(1 << slot);
}

using System.Text.RegularExpressions;

namespace Portal.Sip.Dialplans;

/// <summary>A <c>/regex/</c> or a <c>_</c> pattern compiled to one; every match runs under the regex's timeout.</summary>
internal sealed class RegexMatcher(Regex regex, string text) : DialplanMatcher(text)
{
    public override int GroupCount { get; } = regex.GetGroupNumbers().Max();

    public override IReadOnlyList<string>? Match(string user)
    {
        Match match = regex.Match(user);
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
}

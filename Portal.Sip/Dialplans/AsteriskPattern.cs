using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Sip.Dialplans;

/// <summary>
/// Translates an Asterisk extension pattern (the part after <c>_</c>) into an anchored regex, following
/// Asterisk's pattern matching: <c>X</c> 0-9, <c>Z</c> 1-9, <c>N</c> 2-9 (either case), <c>[1237-9]</c> one
/// character of a set with ranges, <c>.</c> one or more characters, <c>!</c> zero or more; a <c>-</c> outside
/// brackets is a visual separator that Asterisk ignores (<c>_1-NXX-NXX-XXXX</c>); anything else is literal.
/// </summary>
internal static class AsteriskPattern
{
    /// <summary>
    /// The regex for <paramref name="pattern"/>, whose '_' is at <paramref name="column"/>; null after adding an
    /// error at the offending character.
    /// </summary>
    public static string? ToRegex(string pattern, int line, int column, List<DialplanError> errors)
    {
        if (pattern.Length == 0)
        {
            errors.Add(new(line, column, "Write the pattern right after '_', e.g. _1NXXNXXXXXX."));
            return null;
        }

        StringBuilder regex = new(@"\A");
        for (int k = 0; k < pattern.Length; k++)
        {
            char c = pattern[k];
            switch (c)
            {
                case 'X' or 'x':
                    regex.Append("[0-9]");
                    break;
                case 'Z' or 'z':
                    regex.Append("[1-9]");
                    break;
                case 'N' or 'n':
                    regex.Append("[2-9]");
                    break;
                case '.':
                    regex.Append(".+");
                    break;
                case '!':
                    regex.Append(".*");
                    break;
                case '-':
                    break;
                case '[':
                    int close = pattern.IndexOf(']', k + 1);
                    if (close < 0)
                    {
                        errors.Add(new(line, column + 1 + k, "Close the set with ']', e.g. _[1-5]XX."));
                        return null;
                    }

                    if (AppendSet(regex, pattern[(k + 1)..close], line, column + 2 + k, errors) is false)
                    {
                        return null;
                    }

                    k = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.Append(@"\z").ToString();
    }

    /// <summary>Appends the character class for the inside of <c>[...]</c>, whose first character is at <paramref name="column"/>.</summary>
    private static bool AppendSet(StringBuilder regex, string set, int line, int column, List<DialplanError> errors)
    {
        if (set.Length == 0)
        {
            errors.Add(new(line, column - 1, "Write the characters to match between the brackets, e.g. [1-5] or [135]."));
            return false;
        }

        regex.Append('[');
        for (int i = 0; i < set.Length; i++)
        {
            if (i + 2 < set.Length && set[i + 1] == '-')
            {
                if (set[i] > set[i + 2])
                {
                    errors.Add(new(line, column + i, $"Write the range low to high: [{set[i + 2]}-{set[i]}], not [{set[i]}-{set[i + 2]}]."));
                    return false;
                }

                regex.Append(InSet(set[i])).Append('-').Append(InSet(set[i + 2]));
                i += 2;
            }
            else
            {
                regex.Append(InSet(set[i]));
            }
        }

        regex.Append(']');
        return true;
    }

    private static string InSet(char c) => c is '\\' or ']' or '[' or '^' or '-' ? $"\\{c}" : c.ToString();
}

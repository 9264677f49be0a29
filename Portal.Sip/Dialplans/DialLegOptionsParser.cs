using System.Globalization;

namespace Portal.Sip.Dialplans;

/// <summary>
/// Reads a leg's <c>[k=v,...]</c> options (DESIGN §6): <c>fu</c> From user, <c>fd</c> From display name,
/// <c>fh</c> From host, <c>rt</c> ring seconds, <c>cd</c> maximum call seconds, <c>dt</c> delay seconds.
/// </summary>
internal static class DialLegOptionsParser
{
    private const string Known =
        "fu (From user), fd (From display name), fh (From host), rt (ring seconds), cd (maximum call seconds) or dt (delay seconds)";

    /// <summary>
    /// Parses the options whose '[' is at 0-based <paramref name="open"/>. Returns them with the index just past
    /// the ']', or null when there is no ']' (every other error is added and parsing goes on to the next option).
    /// </summary>
    public static (DialLegOptions Options, int Next)? Parse(string text, int open, List<DialStringError> errors)
    {
        int close = text.IndexOf(']', open + 1);
        if (close < 0)
        {
            errors.Add(new(open + 1, "Close the options with ']', e.g. [fu=alice,rt=30]."));
            return null;
        }

        DialLegOptions options = DialLegOptions.None;
        if (string.IsNullOrWhiteSpace(text[(open + 1)..close]))
        {
            errors.Add(new(open + 1, "Write options between the brackets, e.g. [fu=alice], or remove the brackets."));
            return (options, close + 1);
        }

        HashSet<string> seen = new(StringComparer.Ordinal);
        int itemStart = open + 1;
        while (itemStart <= close)
        {
            int comma = text.IndexOf(',', itemStart, close - itemStart);
            int itemEnd = comma < 0 ? close : comma;
            options = ParseOption(text, itemStart, itemEnd, options, seen, errors);
            itemStart = itemEnd + 1;
        }

        return (options, close + 1);
    }

    private static DialLegOptions ParseOption(
        string text, int start, int end, DialLegOptions options, HashSet<string> seen, List<DialStringError> errors)
    {
        (int keyStart, int keyEnd) = Trim(text, start, end);
        int eq = text.IndexOf('=', start, end - start);
        if (eq < 0)
        {
            errors.Add(new(keyStart == keyEnd ? (text[end] == ',' ? end + 1 : start) : keyStart + 1, keyStart == keyEnd
                ? "Remove the extra ',' or write an option after it, e.g. rt=30."
                : $"Write the option '{DialStringSyntax.Printable(text[keyStart..keyEnd])}' as key=value, e.g. fu=alice."));
            return options;
        }

        (keyStart, keyEnd) = Trim(text, start, eq);
        (int valueStart, int valueEnd) = Trim(text, eq + 1, end);
        string key = text[keyStart..keyEnd].ToLowerInvariant();
        string value = text[valueStart..valueEnd];
        if (key is not ("fu" or "fd" or "fh" or "rt" or "cd" or "dt"))
        {
            errors.Add(new(keyStart + 1, key.Length == 0
                ? $"Write the option's name before '=': {Known}."
                : $"Unknown option '{DialStringSyntax.Printable(text[keyStart..keyEnd])}': use {Known}."));
            return options;
        }

        if (!seen.Add(key))
        {
            errors.Add(new(keyStart + 1, $"Option '{key}' is given twice: keep one."));
            return options;
        }

        if (value.Length == 0)
        {
            errors.Add(new(eq + 1, $"Give option '{key}' a value after '=', e.g. {Example(key)}."));
            return options;
        }

        return key switch
        {
            "fu" => DialStringSyntax.ValidateUser(value, valueStart, "From user (fu)", errors) is { } user ? options with { FromUser = user } : options,
            "fd" => ValidDisplayName(value, valueStart, errors) ? options with { FromDisplayName = value } : options,
            "fh" => DialStringSyntax.ValidateHost(value, valueStart, errors) ? options with { FromHost = value } : options,
            "rt" => Seconds(value, valueStart, "rt (ring seconds)", 1, DialplanLimits.MaxRingSeconds, errors) is { } rt ? options with { RingSeconds = rt } : options,
            "cd" => Seconds(value, valueStart, "cd (maximum call seconds)", 1, DialplanLimits.MaxCallSeconds, errors) is { } cd ? options with { MaxCallSeconds = cd } : options,
            _ => Seconds(value, valueStart, "dt (delay seconds)", 0, DialplanLimits.MaxDelaySeconds, errors) is { } dt ? options with { DelaySeconds = dt } : options,
        };
    }

    private static bool ValidDisplayName(string value, int index, List<DialStringError> errors)
    {
        int bad = value.IndexOfAny(['"', '\\']);
        bad = bad >= 0 ? bad : value.AsSpan().IndexOfAnyInRange('\0', '\x1f');
        bad = bad >= 0 ? bad : value.IndexOf('\x7f');
        if (bad >= 0)
        {
            errors.Add(new(index + bad + 1, $"{DialStringSyntax.Describe(value[bad])} is not allowed in the From display name (fd): write plain text, e.g. fd=Front Desk."));
            return false;
        }

        if (value.Length > DialplanLimits.MaxDisplayNameLength)
        {
            errors.Add(new(index + 1, $"The From display name (fd) can be at most {DialplanLimits.MaxDisplayNameLength} characters long."));
            return false;
        }

        return true;
    }

    private static int? Seconds(string value, int index, string what, int min, int max, List<DialStringError> errors)
    {
        if (value.All(char.IsAsciiDigit) && value.Length <= 6
            && int.Parse(value, CultureInfo.InvariantCulture) is var seconds && seconds >= min && seconds <= max)
        {
            return seconds;
        }

        errors.Add(new(index + 1, $"Option {what} must be a whole number from {min} to {max}, not '{DialStringSyntax.Printable(value)}'."));
        return null;
    }

    private static string Example(string key) => key switch
    {
        "fu" => "fu=alice",
        "fd" => "fd=Front Desk",
        "fh" => "fh=example.com",
        "rt" => "rt=30",
        "cd" => "cd=3600",
        _ => "dt=5",
    };

    private static (int Start, int End) Trim(string text, int start, int end)
    {
        while (start < end && text[start] is ' ' or '\t')
        {
            start++;
        }

        while (end > start && text[end - 1] is ' ' or '\t')
        {
            end--;
        }

        return (start, end);
    }
}

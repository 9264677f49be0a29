using System.Globalization;

namespace Portal.Tests.Infrastructure;

/// <summary>One scrape of a Prometheus text exposition (<c>name{label="value",...} value [timestamp]</c>), read the way a test asks.</summary>
public sealed class PrometheusScrape(string text)
{
    public string Text { get; } = text;

    /// <summary>
    /// The sum of the samples named <paramref name="name"/> that carry every one of <paramref name="labels"/> (other labels
    /// may differ); null when there is none.
    /// </summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        double? sum = null;
        foreach (var line in Text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var nameEnd = brace >= 0 && brace < space ? brace : space;
            if (nameEnd < 0 || !line.AsSpan(0, nameEnd).SequenceEqual(name))
            {
                continue;
            }

            var valueStart = brace >= 0 && brace < space ? line.IndexOf("} ", brace, StringComparison.Ordinal) + 2 : space + 1;
            var labelText = brace >= 0 && brace < space ? line[brace..valueStart] : "";
            if (!labels.All(l => labelText.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                continue;
            }

            var value = line[valueStart..].Split(' ')[0];
            sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
        }

        return sum;
    }
}

using System.Globalization;

namespace Portal.Services;

/// <summary>RFC 4180 fields for the CSV exports, safe to open in a spreadsheet.</summary>
internal static class Csv
{
    public static string Time(DateTime? value) => value?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Quotes when needed, and defuses spreadsheet formulas (a field starting with = + - @).</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}

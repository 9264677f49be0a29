using System.Collections.Concurrent;

using Portal.Sip.Dialplans;

namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// Parsed dialplans by owner, name and version (DESIGN §6): the source is asked for on every call, so an edit
/// takes effect on the next call with no restart, but it is parsed again only when its version changed. Only the
/// latest version of each dialplan is kept.
/// </summary>
internal sealed class DialplanCache(IDialplanSource source)
{
    private readonly ConcurrentDictionary<(string Owner, string Name), (int Version, string Source, DialplanParseResult Parsed)> _parsed = new();

    public int Count => _parsed.Count;

    /// <summary>The dialplan, or why it cannot be used: it is missing, or was saved with errors.</summary>
    public async ValueTask<(RulesDialplan? Dialplan, string? Problem, bool Missing)> GetAsync(string ownerId, string name, CancellationToken cancellationToken)
    {
        DialplanSourceRecord? record = await source.GetAsync(ownerId, name, cancellationToken);
        if (record is null)
        {
            return (null, $"there is no dialplan named '{name}'", true);
        }

        var key = (ownerId, name);
        if (!_parsed.TryGetValue(key, out var cached) || cached.Version != record.Version || !string.Equals(cached.Source, record.Source, StringComparison.Ordinal))
        {
            cached = (record.Version, record.Source, RulesDialplanParser.Parse(record.Source));
            _parsed[key] = cached;
        }

        return cached.Parsed.Succeeded
            ? (cached.Parsed.Dialplan, null, false)
            : (null, $"version {record.Version} has {cached.Parsed.Errors.Count} error(s), the first at {cached.Parsed.Errors[0]}", false);
    }
}

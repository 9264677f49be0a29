namespace Portal.Sip.Calls;

/// <summary>
/// Lets the first report of a key through in each window and holds back the rest (DESIGN §10: a refusal is
/// logged once per source and window), so a flood of refused requests costs one log line or audit entry each
/// window. Holds at most <paramref name="maxKeys"/> keys; when full after dropping expired ones, new keys wait.
/// </summary>
internal sealed class OncePerWindow(TimeProvider time, TimeSpan window, int maxKeys = 10_000)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _reported = new(StringComparer.Ordinal);

    /// <summary>True for the first report of <paramref name="key"/> in its window.</summary>
    public bool ShouldReport(string key)
    {
        DateTimeOffset now = time.GetUtcNow();
        lock (_gate)
        {
            if (_reported.TryGetValue(key, out DateTimeOffset since) && now - since < window)
            {
                return false;
            }

            if (_reported.Count >= maxKeys && !_reported.ContainsKey(key))
            {
                foreach (string expired in _reported.Where(r => now - r.Value >= window).Select(r => r.Key).ToList())
                {
                    _reported.Remove(expired);
                }

                if (_reported.Count >= maxKeys)
                {
                    return false;
                }
            }

            _reported[key] = now;
            return true;
        }
    }
}

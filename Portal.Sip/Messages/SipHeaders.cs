using System.Collections;

namespace Portal.Sip.Messages;

/// <summary>
/// The header lines of a message, in order, allowing repeated names (RFC 3261 §7.3). Lookup by name is
/// case-insensitive and understands compact forms (<c>v</c> finds Via). A parsed message keeps each value as a
/// slice of the received bytes until it is read, and caches typed views per line. Not thread-safe.
/// </summary>
public sealed class SipHeaders : IReadOnlyList<SipHeader>
{
    private readonly ReadOnlyMemory<byte> _source;
    private SipHeaderEntry[] _entries;
    private int _count;

    public SipHeaders()
        : this(default, new SipHeaderEntry[8], 0)
    {
    }

    internal SipHeaders(ReadOnlyMemory<byte> source, SipHeaderEntry[] entries, int count)
    {
        _source = source;
        _entries = entries;
        _count = count;
    }

    public int Count => _count;

    public SipHeader this[int index] => new(EntryAt(index).Name, GetValue(index));

    /// <summary>Gets the first value of <paramref name="name"/>, or sets it as <see cref="Set"/> does.</summary>
    public string? this[string name]
    {
        get => GetFirst(name);
        set
        {
            if (value is null)
            {
                Remove(name);
            }
            else
            {
                Set(name, value);
            }
        }
    }

    public bool Contains(string name) => IndexOf(SipHeaderNames.Canonicalize(name), 0) >= 0;

    /// <summary>How many lines carry <paramref name="name"/> (a line may hold several comma-separated values).</summary>
    public int CountOf(string name)
    {
        string canonical = SipHeaderNames.Canonicalize(name);
        int n = 0;
        for (int i = IndexOf(canonical, 0); i >= 0; i = IndexOf(canonical, i + 1))
        {
            n++;
        }

        return n;
    }

    public string? GetFirst(string name)
    {
        int i = IndexOf(SipHeaderNames.Canonicalize(name), 0);
        return i < 0 ? null : GetValue(i);
    }

    /// <summary>The value of every line called <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        string canonical = SipHeaderNames.Canonicalize(name);
        List<string> values = [];
        for (int i = IndexOf(canonical, 0); i >= 0; i = IndexOf(canonical, i + 1))
        {
            values.Add(GetValue(i));
        }

        return values;
    }

    /// <summary>
    /// Every element of a list header (RFC 3261 §7.3.1): all lines, each split at commas outside quoted strings
    /// and angle brackets. Not meant for headers whose grammar is not a list (Date, WWW-Authenticate).
    /// </summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        string canonical = SipHeaderNames.Canonicalize(name);
        List<string> values = [];
        for (int i = IndexOf(canonical, 0); i >= 0; i = IndexOf(canonical, i + 1))
        {
            values.AddRange(SipSyntax.SplitList(GetValue(i)));
        }

        return values;
    }

    public void Add(string name, string value) => Insert(_count, name, value);

    /// <summary>Inserts before the first line called <paramref name="name"/> (a new top Via), or first of all.</summary>
    public void Prepend(string name, string value)
    {
        int i = IndexOf(SipHeaderNames.Canonicalize(name), 0);
        Insert(i < 0 ? 0 : i, name, value);
    }

    public void Insert(int index, string name, string value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)index, (uint)_count, nameof(index));
        SipHeaderEntry entry = NewEntry(name, value);
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(8, _count * 2));
        }

        Array.Copy(_entries, index, _entries, index + 1, _count - index);
        _entries[index] = entry;
        _count++;
    }

    /// <summary>Replaces the first line called <paramref name="name"/> in place and removes any others; adds it when absent.</summary>
    public void Set(string name, string value)
    {
        SipHeaderEntry entry = NewEntry(name, value);
        int first = IndexOf(entry.Name, 0);
        if (first < 0)
        {
            Insert(_count, name, value);
            return;
        }

        _entries[first] = entry;
        for (int i = IndexOf(entry.Name, first + 1); i >= 0; i = IndexOf(entry.Name, i))
        {
            RemoveAt(i);
        }
    }

    /// <summary>Removes every line called <paramref name="name"/>; returns how many were removed.</summary>
    public int Remove(string name)
    {
        string canonical = SipHeaderNames.Canonicalize(name);
        int removed = 0;
        for (int i = IndexOf(canonical, 0); i >= 0; i = IndexOf(canonical, i))
        {
            RemoveAt(i);
            removed++;
        }

        return removed;
    }

    public void RemoveAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        Array.Copy(_entries, index + 1, _entries, index, _count - index - 1);
        _count--;
        _entries[_count] = default;
    }

    /// <summary>
    /// Lets go of the decoded values and typed views of the lines read from the source and not changed since: they
    /// are read again from the source if asked for. A message kept only to absorb retransmissions (64*T1, RFC 3261
    /// §17) then costs its wire bytes and its line table rather than several times that.
    /// </summary>
    internal void Compact()
    {
        for (int i = 0; i < _count; i++)
        {
            ref SipHeaderEntry e = ref _entries[i];
            if (e.IsFromSource && !e.Folded)
            {
                e.Data = null;
            }
        }
    }

    /// <summary>A copy that shares no mutable state with this collection (values are materialised).</summary>
    public SipHeaders Clone()
    {
        SipHeaders copy = new(default, new SipHeaderEntry[Math.Max(8, _count)], 0);
        for (int i = 0; i < _count; i++)
        {
            copy.Add(_entries[i].Name, GetValue(i));
        }

        return copy;
    }

    public IEnumerator<SipHeader> GetEnumerator()
    {
        for (int i = 0; i < _count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal ref SipHeaderEntry EntryAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return ref _entries[index];
    }

    /// <summary>
    /// The raw wire bytes of a line's value when it was parsed, unfolded, and not changed since, whether or not it
    /// was read: writing a message must not depend on what was read of it (bytes that are not UTF-8 read as U+FFFD).
    /// </summary>
    internal bool TryGetRawValue(int index, out ReadOnlySpan<byte> raw)
    {
        ref SipHeaderEntry e = ref EntryAt(index);
        if (e.IsFromSource && !e.Folded)
        {
            raw = _source.Span.Slice(e.Start, e.Length);
            return true;
        }

        raw = default;
        return false;
    }

    internal string GetValue(int index)
    {
        ref SipHeaderEntry e = ref EntryAt(index);
        if (e.Value is { } value)
        {
            return value;
        }

        value = HeaderValueText.Decode(_source.Span.Slice(e.Start, e.Length), e.Folded);
        e.Data = value;
        return value;
    }

    /// <summary>The typed view of the first line called <paramref name="canonicalName"/>, parsed once and cached.</summary>
    internal T? GetParsed<T>(string canonicalName, Func<string, T> parse)
        where T : class
    {
        int i = IndexOf(canonicalName, 0);
        if (i < 0)
        {
            return null;
        }

        if (_entries[i].Data is SipHeaderEntry.ParsedValue { View: T cached })
        {
            return cached;
        }

        string value = GetValue(i);
        T parsed = Parse(canonicalName, value, parse);
        _entries[i].Data = new SipHeaderEntry.ParsedValue(value, parsed);
        return parsed;
    }

    /// <summary>
    /// Inserts a line whose typed views the caller already holds (<paramref name="items"/>, what parsing
    /// <paramref name="value"/> with <see cref="GetParsedList{T}"/> would give), so the next read does not parse
    /// what was just written: the transport's Via stamping, on every request.
    /// </summary>
    internal void InsertParsed<T>(int index, string name, string value, T[] items)
    {
        Insert(index, name, value);
        _entries[index].Data = new SipHeaderEntry.ParsedValue(value, items);
    }

    /// <summary>
    /// Typed views of every line called <paramref name="canonicalName"/>; with <paramref name="split"/> each line is
    /// first split into its comma-separated elements (RFC 3261 §7.3.1).
    /// </summary>
    internal IReadOnlyList<T> GetParsedList<T>(string canonicalName, Func<string, T> parse, bool split = true)
    {
        T[]? single = null;
        List<T>? all = null;
        for (int i = IndexOf(canonicalName, 0); i >= 0; i = IndexOf(canonicalName, i + 1))
        {
            if (_entries[i].Data is not SipHeaderEntry.ParsedValue { View: T[] items })
            {
                string value = GetValue(i);
                List<string> elements = split ? SipSyntax.SplitList(value) : [value];
                items = new T[elements.Count];
                for (int k = 0; k < items.Length; k++)
                {
                    items[k] = Parse(canonicalName, elements[k], parse);
                }

                _entries[i].Data = new SipHeaderEntry.ParsedValue(value, items);
            }

            if (single is null && all is null)
            {
                single = items;
            }
            else
            {
                all ??= [.. single!];
                all.AddRange(items);
            }
        }

        return (IReadOnlyList<T>?)all ?? single ?? [];
    }

    internal int IndexOf(string canonicalName, int start)
    {
        for (int i = start; i < _count; i++)
        {
            if (string.Equals(_entries[i].Name, canonicalName, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static T Parse<T>(string name, string value, Func<string, T> parse)
    {
        try
        {
            return parse(value);
        }
        catch (FormatException e) when (e is not SipFormatException)
        {
            throw new SipFormatException(name, e);
        }
    }

    private static SipHeaderEntry NewEntry(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!SipChars.IsToken(name))
        {
            throw new ArgumentException($"'{name}' is not a valid header name.", nameof(name));
        }

        // A CR or LF would let a value start a new header line: refuse it (header injection).
        if (value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException($"The value of {name} may not contain CR or LF.", nameof(value));
        }

        return new SipHeaderEntry { Name = SipHeaderNames.Canonicalize(name), Data = value.Trim(' ', '\t'), Start = -1 };
    }
}

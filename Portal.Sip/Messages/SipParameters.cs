using System.Collections;
using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// An ordered, immutable list of parameters; names compare case-insensitively (RFC 3261 §7.3.1, §19.1.4).
/// Changes return a new instance, so a parsed header's view can be shared safely.
/// </summary>
public sealed class SipParameters : IReadOnlyList<SipParameter>
{
    private readonly SipParameter[] _items;

    public SipParameters(IEnumerable<SipParameter> parameters)
    {
        _items = [.. parameters];
        foreach (SipParameter p in _items)
        {
            if (!SipChars.IsToken(p.Name))
            {
                throw new ArgumentException($"'{p.Name}' is not a valid parameter name.", nameof(parameters));
            }
        }
    }

    private SipParameters(SipParameter[] items) => _items = items;

    public static SipParameters Empty { get; } = new(Array.Empty<SipParameter>());

    public int Count => _items.Length;

    public SipParameter this[int index] => _items[index];

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The value of <paramref name="name"/>; null when absent or when it is a flag without a value.</summary>
    public string? GetValue(string name)
    {
        int i = IndexOf(name);
        return i < 0 ? null : _items[i].Value;
    }

    public bool TryGetValue(string name, out string? value)
    {
        int i = IndexOf(name);
        value = i < 0 ? null : _items[i].Value;
        return i >= 0;
    }

    /// <summary>Replaces the first parameter called <paramref name="name"/>, or appends it.</summary>
    public SipParameters With(string name, string? value, bool quoted = false)
    {
        if (!SipChars.IsToken(name))
        {
            throw new ArgumentException($"'{name}' is not a valid parameter name.", nameof(name));
        }

        SipParameter parameter = new(name, value, quoted);
        int i = IndexOf(name);
        SipParameter[] copy;
        if (i >= 0)
        {
            copy = (SipParameter[])_items.Clone();
            copy[i] = parameter;
        }
        else
        {
            copy = [.. _items, parameter];
        }

        return new SipParameters(copy);
    }

    public SipParameters Without(string name) =>
        IndexOf(name) < 0 ? this : new SipParameters(_items.Where(p => !NameIs(p, name)).ToArray());

    public IEnumerator<SipParameter> GetEnumerator() => ((IEnumerable<SipParameter>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The header-parameter form <c>;a=b;c;d="e f"</c>.</summary>
    public override string ToString()
    {
        StringBuilder sb = new();
        AppendHeaderForm(sb);
        return sb.ToString();
    }

    internal void AppendHeaderForm(StringBuilder sb)
    {
        foreach (SipParameter p in _items)
        {
            sb.Append(';').Append(p.Name);
            if (p.Value is not null)
            {
                sb.Append('=');
                if (p.IsQuoted || p.Value.Length == 0 || p.Value.AsSpan().ContainsAnyExcept(ParameterReader.GenValue))
                {
                    SipSyntax.AppendQuoted(sb, p.Value);
                }
                else
                {
                    sb.Append(p.Value);
                }
            }
        }
    }

    /// <summary>The URI-parameter form, escaping what <c>paramchar</c> does not allow (RFC 3261 §25.1).</summary>
    internal void AppendUriForm(StringBuilder sb)
    {
        foreach (SipParameter p in _items)
        {
            sb.Append(';');
            UriEscaping.AppendEscaped(sb, p.Name, SipChars.Param);
            if (p.Value is not null)
            {
                sb.Append('=');
                UriEscaping.AppendEscaped(sb, p.Value, SipChars.Param);
            }
        }
    }

    internal static SipParameters FromList(List<SipParameter>? list) =>
        list is null || list.Count == 0 ? Empty : new SipParameters(list.ToArray());

    /// <summary>
    /// Reads <c>*( SEMI generic-param )</c> from <paramref name="i"/> to the end of <paramref name="s"/>
    /// (RFC 3261 §25.1), adding to <paramref name="sink"/> when one is given.
    /// </summary>
    internal static bool TryParseHeaderParameters(ReadOnlySpan<char> s, int i, List<SipParameter>? sink)
    {
        ParameterReader reader = new(s, i);
        while (reader.MoveNext())
        {
            sink?.Add(reader.ToParameter());
        }

        return !reader.Failed;
    }

    private int IndexOf(string name)
    {
        for (int i = 0; i < _items.Length; i++)
        {
            if (NameIs(_items[i], name))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool NameIs(SipParameter p, string name) => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase);
}

namespace Portal.Sip.Messages;

/// <summary>
/// One header line in 24 bytes. A parsed line holds a range of the source until its value is read;
/// <see cref="Data"/> then holds the value, or a <see cref="ParsedValue"/> once a typed view was made.
/// </summary>
internal struct SipHeaderEntry
{
    public string Name;
    public object? Data;
    public int Start;
    private int _length;

    public int Length
    {
        readonly get => _length & int.MaxValue;
        set => _length = value | (_length & int.MinValue);
    }

    /// <summary>True when the range spans continuation lines (RFC 3261 §7.3.1 folding).</summary>
    public bool Folded
    {
        readonly get => _length < 0;
        set => _length = value ? _length | int.MinValue : _length & int.MaxValue;
    }

    public readonly string? Value => Data as string ?? (Data as ParsedValue)?.Value;

    /// <summary>
    /// True for a line read from a message, whose value is still the range <see cref="Start"/> and
    /// <see cref="Length"/> of its source however often it was read; false for a line a program set (Start -1).
    /// </summary>
    public readonly bool IsFromSource => Start >= 0;

    /// <summary>A line's value together with its cached typed view.</summary>
    internal sealed class ParsedValue(string value, object view)
    {
        public string Value { get; } = value;

        public object View { get; } = view;
    }
}

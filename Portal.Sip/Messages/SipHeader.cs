namespace Portal.Sip.Messages;

/// <summary>One header line: its canonical name (compact forms expanded) and its value, unfolded and trimmed.</summary>
public readonly record struct SipHeader(string Name, string Value)
{
    public override string ToString() => Name + ": " + Value;
}

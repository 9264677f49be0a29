using System.Text;

namespace Portal.Sip.Messages;

/// <summary>
/// A request method. Methods are case-sensitive tokens (RFC 3261 §7.1, §25.1 <c>Method</c>): <c>INVITE</c> and
/// <c>invite</c> differ, and an escaped name such as <c>RE%47IST%45R</c> is an extension method, not REGISTER
/// (RFC 4475 §3.1.1.5). The well-known methods are shared instances, so parsing them allocates nothing.
/// </summary>
public sealed class SipMethod : IEquatable<SipMethod>
{
    public static readonly SipMethod Invite = new("INVITE");
    public static readonly SipMethod Ack = new("ACK");
    public static readonly SipMethod Bye = new("BYE");
    public static readonly SipMethod Cancel = new("CANCEL");
    public static readonly SipMethod Options = new("OPTIONS");
    public static readonly SipMethod Register = new("REGISTER");
    public static readonly SipMethod Prack = new("PRACK");
    public static readonly SipMethod Subscribe = new("SUBSCRIBE");
    public static readonly SipMethod Notify = new("NOTIFY");
    public static readonly SipMethod Publish = new("PUBLISH");
    public static readonly SipMethod Info = new("INFO");
    public static readonly SipMethod Refer = new("REFER");
    public static readonly SipMethod Message = new("MESSAGE");
    public static readonly SipMethod Update = new("UPDATE");

    private static readonly SipMethod[] Known =
        [Invite, Ack, Bye, Cancel, Options, Register, Prack, Subscribe, Notify, Publish, Info, Refer, Message, Update];

    private SipMethod(string name) => Name = name;

    public string Name { get; }

    /// <summary>One of the shared methods above rather than an extension method: metrics tag only these by name.</summary>
    public bool IsWellKnown => Array.Exists(Known, m => ReferenceEquals(m, this));

    /// <summary>Returns the shared instance for a known method or a new extension method.</summary>
    public static SipMethod Parse(string name)
    {
        if (!SipChars.IsToken(name))
        {
            throw new FormatException($"'{name}' is not a valid SIP method.");
        }

        foreach (SipMethod m in Known)
        {
            if (string.Equals(m.Name, name, StringComparison.Ordinal))
            {
                return m;
            }
        }

        return new SipMethod(name);
    }

    /// <summary>Reads a method from the wire; the caller has checked it is a token (ASCII).</summary>
    internal static SipMethod FromWire(ReadOnlySpan<byte> name)
    {
        foreach (SipMethod m in Known)
        {
            if (name.Length == m.Name.Length && Ascii.Equals(name, m.Name))
            {
                return m;
            }
        }

        return new SipMethod(Encoding.ASCII.GetString(name));
    }

    public bool Equals(SipMethod? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as SipMethod);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;

    public static bool operator ==(SipMethod? left, SipMethod? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(SipMethod? left, SipMethod? right) => !(left == right);
}

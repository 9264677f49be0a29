namespace Portal.Sip.Messages;

/// <summary>
/// One <c>;name[=value]</c> parameter of a URI or a header (RFC 3261 §25.1 <c>uri-parameter</c>,
/// <c>generic-param</c>). <see cref="Value"/> is null for a flag parameter such as <c>lr</c> or <c>rport</c>; it is
/// held unescaped (URI parameters) or unquoted (header parameters), with <see cref="IsQuoted"/> remembering that it
/// was, and must be written as, a quoted-string.
/// </summary>
public readonly record struct SipParameter(string Name, string? Value, bool IsQuoted = false);

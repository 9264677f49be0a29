namespace Portal.Sip.Dialplans;

/// <summary>
/// One destination of a dial string: <c>user@host[:port]</c> or a <c>sip:</c>/<c>sips:</c> URI, then optional
/// <c>[k=v,...]</c> options.
/// </summary>
/// <param name="User">
/// The user part, %-escapes resolved. It never holds a control character, space, <c>&lt;</c>, <c>&gt;</c>,
/// <c>"</c> or <c>@</c>, so it cannot smuggle anything into a SIP header.
/// </param>
/// <param name="Host">The host as written (a provider name, <c>local</c>, a domain, an IPv4 address or a bracketed IPv6 reference).</param>
/// <param name="Port">The port, when one was written.</param>
/// <param name="Route">Where the leg goes: a provider, the account's registered phones, or straight to a URI.</param>
/// <param name="Options">The <c>[k=v,...]</c> options.</param>
/// <param name="Text">The leg as written in the dial string.</param>
public sealed record DialLeg(string User, string Host, int? Port, DialRoute Route, DialLegOptions Options, string Text);

using Portal.Sip.Messages;

namespace Portal.Sip.Dialplans;

/// <summary>A leg sent straight to a SIP URI (a voice app, another service), without provider credentials.</summary>
/// <param name="Uri">The request URI to send the INVITE to, with its port, <c>sips</c> scheme and URI parameters.</param>
public sealed record DirectRoute(SipUri Uri) : DialRoute;

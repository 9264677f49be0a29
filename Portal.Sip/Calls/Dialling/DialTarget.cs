using Portal.Sip.Auth;
using Portal.Sip.Dialplans;
using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// One destination to ring, resolved from a dial-string leg: the Request-URI, the To, and where to send the
/// INVITE; or, when the leg cannot be rung at all (unknown account, nothing registered, no such host), the
/// failure it counts as. <see cref="LocalAccount"/> is the SIP account a <c>local</c> leg rings (its phones
/// registered with that account's credentials); null for direct and provider legs. <see cref="Route"/> is the
/// preloaded route set of the INVITE (a registration's Path, RFC 3327 §5.3), or null.
/// </summary>
internal sealed record DialTarget(
    SipUri? RequestUri,
    NameAddress? To,
    SipEndPoint Destination,
    DialLegOptions Options,
    string Text,
    int FailureStatus = 0,
    string? FailureReason = null,
    ProviderDialInfo? Provider = null,
    SipAccountCredentials? LocalAccount = null,
    string? Route = null)
{
    public bool IsReachable => FailureStatus == 0;

    public static DialTarget Unreachable(DialLeg leg, int status, string reason) =>
        new(null, null, default, leg.Options, leg.Text, status, reason);
}

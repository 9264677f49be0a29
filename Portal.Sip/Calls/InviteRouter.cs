using Portal.Sip.Auth;
using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Calls;

/// <summary>
/// Decides whose call a new INVITE is (DESIGN §5 "Call routing"). An INVITE for <c>account@hosted-domain</c>
/// that carries no credentials and does not claim a hosted domain in its From is an incoming call and needs no
/// authentication: the account's in dialplan runs, or its phones ring. Every other INVITE is challenged with
/// 407 (RFC 3261 §22.3) and, once authenticated, runs the caller's out dialplan — or, when the account has none
/// and dialled another account of this service, rings that account. Disabled accounts and suspended owners get
/// 403; so does an incoming-only account calling out.
/// </summary>
internal sealed class InviteRouter(DigestAuthenticator authenticator, CallEnvironment environment)
{
    public async Task<(InviteRoute? Route, SipResponse? Refusal)> RouteAsync(SipRequest invite, SipEndPoint remote, CancellationToken cancellationToken)
    {
        if (Precheck(invite) is { } refused)
        {
            return (null, refused);
        }

        SipUri uri = (SipUri)invite.Uri;
        bool toHostedDomain = uri.User is not null && environment.Domains.IsLocal(uri.Host);
        bool hasCredentials = invite.ProxyAuthorizations.Any(c => c.IsDigest && string.Equals(c.Realm, authenticator.Realm, StringComparison.Ordinal));
        bool fromHostedDomain = invite.From?.SipUri?.Host is { } fromHost && environment.Domains.IsLocal(fromHost);
        if (toHostedDomain && !hasCredentials && !fromHostedDomain
            && await environment.Accounts.FindAsync(uri.User!, cancellationToken) is { } called)
        {
            return Incoming(invite, called, callerOwnerId: null);
        }

        DigestAuthResult auth = await authenticator.AuthenticateAsync(invite, remote.EndPoint.Address, proxy: true, cancellationToken);
        if (!auth.IsAuthenticated)
        {
            return (null, auth.Response);
        }

        SipAccountCredentials caller = auth.Account!;
        if (caller.IsIncomingOnly)
        {
            return (null, Refuse(invite, SipStatusCodes.Forbidden, "Forbidden - this SIP account only receives calls"));
        }

        if (caller.OutDialplanName is { } dialplan)
        {
            return (new InviteRoute(CallDirection.Outbound, caller.OwnerId, caller.OwnerUserName, caller.Username, dialplan,
                caller.OwnerMaxConcurrentCalls, caller.OwnerId, caller.CallersMayTransfer, caller.OwnerMaxCallsPerHour, caller.OwnerMaxCallsPerDay), null);
        }

        if (toHostedDomain && await environment.Accounts.FindAsync(uri.User!, cancellationToken) is { } colleague)
        {
            return Incoming(invite, colleague, caller.OwnerId);
        }

        return (null, Refuse(invite, SipStatusCodes.Forbidden, "Forbidden - choose an out dialplan for this SIP account in the portal"));
    }

    private static (InviteRoute?, SipResponse?) Incoming(SipRequest invite, SipAccountCredentials called, string? callerOwnerId) =>
        called.MayUseService
            ? (new InviteRoute(CallDirection.Inbound, called.OwnerId, called.OwnerUserName, called.Username, called.InDialplanName,
                called.OwnerMaxConcurrentCalls, callerOwnerId, called.CallersMayTransfer, called.OwnerMaxCallsPerHour, called.OwnerMaxCallsPerDay), null)
            : (null, Refuse(invite, SipStatusCodes.Forbidden, "Forbidden"));

    /// <summary>The checks that come before authentication: Max-Forwards (§16.3) and the body's type (§8.2.3).</summary>
    private static SipResponse? Precheck(SipRequest invite)
    {
        int? hops;
        try
        {
            hops = invite.MaxForwards;
        }
        catch (SipFormatException)
        {
            return Refuse(invite, SipStatusCodes.BadRequest, "Bad Request - Malformed Max-Forwards header");
        }

        if (hops == 0)
        {
            return Refuse(invite, SipStatusCodes.TooManyHops, "Too Many Hops");
        }

        if (!invite.Body.IsEmpty && invite.ContentType is not { IsSdp: true })
        {
            SipResponse unsupported = Refuse(invite, SipStatusCodes.UnsupportedMediaType, "Unsupported Media Type");
            unsupported.Headers.Add(SipHeaderNames.Accept, "application/sdp");
            return unsupported;
        }

        return null;
    }

    private static SipResponse Refuse(SipRequest invite, int status, string reason) =>
        invite.CreateResponse(status, reason, SipTags.NewTag());
}

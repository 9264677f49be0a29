using Portal.Sip.Auth;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Messages;
using Portal.Sip.Providers;
using Portal.Sip.Transport;

namespace Portal.Sip.Calls;

/// <summary>
/// Decides whose call a new INVITE is (DESIGN §5 "Call routing"). An INVITE for <c>account@hosted-domain</c>
/// that carries no credentials and does not claim a hosted domain in its From is an incoming call and needs no
/// authentication: the account's in dialplan runs, or its phones ring. Every other INVITE is challenged with
/// 407 (RFC 3261 §22.3) and, once authenticated, runs the caller's out dialplan — or, when the account has none
/// and dialled another account of this service, rings that account. Disabled accounts and suspended owners get
/// 403; so does an incoming-only account calling out.
/// Before any of that, calls in from providers (DESIGN §10): an INVITE to a provider's registration token, or to
/// the number a provider registered, from the address that provider's registrar resolved to, runs the provider's
/// incoming dialplan unchallenged (providers answer no challenges). One to a token from anywhere else gets 403.
/// </summary>
internal sealed class InviteRouter(
    DigestAuthenticator authenticator, CallEnvironment environment, IProviderDirectory providers, RegisteredProviders registeredProviders,
    CallRefusals refusals)
{
    public async Task<(InviteRoute? Route, SipResponse? Refusal)> RouteAsync(SipRequest invite, SipEndPoint remote, CancellationToken cancellationToken)
    {
        if (Precheck(invite) is { } refused)
        {
            return (null, refused);
        }

        SipUri uri = (SipUri)invite.Uri;
        if (await FromProviderAsync(invite, uri, remote, cancellationToken) is { } fromProvider)
        {
            return fromProvider;
        }

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

    /// <summary>
    /// A call in from a provider, or its refusal; null when the INVITE names no provider. With the token in the
    /// Request-URI the dialled number is the To header's user (the provider addresses the registered contact and
    /// says in To whom the call is for); without it, the Request-URI's user, which is the number it registered.
    /// </summary>
    private async Task<(InviteRoute?, SipResponse?)?> FromProviderAsync(SipRequest invite, SipUri uri, SipEndPoint remote, CancellationToken cancellationToken)
    {
        if (uri.User is not { Length: > 0 } user)
        {
            return null;
        }

        string? dialled;
        IncomingProvider? provider = await providers.FindByContactTokenAsync(user, cancellationToken);
        if (provider is not null)
        {
            if (!provider.Register || !registeredProviders.IsFrom(provider.ContactToken, remote.EndPoint.Address))
            {
                // Someone who learned the token (it travels in the clear) is not the provider: nothing is dialled.
                refusals.Report(new CallRefusal(CallRefusal.ProviderCallRefused, provider.OwnerId, provider.OwnerUserName, "anonymous",
                    $"provider {provider.Name}", "a call to the provider's token from an address that is not the provider's", null),
                    remote.EndPoint.Address, provider.ContactToken);
                return (null, Refuse(invite, SipStatusCodes.Forbidden, "Forbidden"));
            }

            dialled = invite.To?.SipUri?.User ?? "";
        }
        else if (registeredProviders.TokenFor(remote.EndPoint.Address, user) is { } token
            && await providers.FindByContactTokenAsync(token, cancellationToken) is { Register: true } atAddress)
        {
            provider = atAddress;
            dialled = user;
        }
        else
        {
            return null;
        }

        if (provider.OwnerIsSuspended)
        {
            return (null, Refuse(invite, SipStatusCodes.Forbidden, "Forbidden"));
        }

        if (provider.InDialplanName is null)
        {
            // The owner chose no dialplan for the provider's calls: unavailable rather than "no such number".
            return (null, Refuse(invite, SipStatusCodes.TemporarilyUnavailable, "Temporarily Unavailable - no incoming dialplan for this provider"));
        }

        return (new InviteRoute(CallDirection.Inbound, provider.OwnerId, provider.OwnerUserName, provider.Name, provider.InDialplanName,
            provider.OwnerMaxConcurrentCalls, CallerOwnerId: null, CallersMayTransfer: false, provider.OwnerMaxCallsPerHour, provider.OwnerMaxCallsPerDay,
            DialledUser: dialled), null);
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

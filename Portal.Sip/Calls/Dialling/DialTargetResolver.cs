using Portal.Sip.Dialplans;
using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// Turns dial-string legs into destinations (DESIGN §6 routes). A <see cref="DirectRoute"/> goes to its URI's
/// host (an address, or a name looked up for A/AAAA records — no SRV or NAPTR, RFC 3263 is not implemented) on
/// its port (5060 by default) over UDP, or TCP with <c>;transport=tcp</c>. A <see cref="LocalRoute"/> rings every
/// unexpired registration of the SIP account named by the user part — any account of this service, not only the
/// owner's, since dialling a colleague must work. A <see cref="ProviderRoute"/> goes to the owner's provider's
/// server with the dialled user, carrying the provider's credentials for its challenge and its From user/host.
/// Direct legs follow the admin's <see cref="DirectDialPolicy"/> (DESIGN §10); provider servers are the owner's
/// own configuration and are not checked.
/// </summary>
internal sealed class DialTargetResolver(CallEnvironment environment, IProviderDirectory providers)
{
    public async Task<IReadOnlyList<DialTarget>> ResolveAsync(DialLeg leg, string ownerId, CancellationToken cancellationToken) => leg.Route switch
    {
        DirectRoute direct => [await ResolveDirectAsync(leg, direct.Uri, environment.DirectDial, cancellationToken)],
        LocalRoute => await ResolveLocalAsync(leg, cancellationToken),
        ProviderRoute provider => [await ResolveProviderAsync(leg, ownerId, provider.ProviderName, cancellationToken)],
        _ => [DialTarget.Unreachable(leg, SipStatusCodes.NotFound, "Not Found")],
    };

    private async Task<DialTarget> ResolveProviderAsync(DialLeg leg, string ownerId, string name, CancellationToken cancellationToken)
    {
        if (await providers.FindAsync(ownerId, name, cancellationToken) is not { } provider)
        {
            return DialTarget.Unreachable(leg, SipStatusCodes.NotFound, $"Not Found - no provider named {name}");
        }

        var uri = provider.Server.WithUser(leg.User);
        var target = await ResolveDirectAsync(leg, uri, null, cancellationToken);
        if (!target.IsReachable)
        {
            return target;
        }

        // The provider's From user and host stand unless the dial string set its own (fu, fh).
        var options = leg.Options with
        {
            FromUser = leg.Options.FromUser ?? provider.FromUser,
            FromHost = leg.Options.FromHost ?? provider.FromHost ?? provider.Server.Host,
        };
        return target with { Options = options, Provider = provider, Text = $"{leg.User}@{name}" };
    }

    /// <summary>Where <paramref name="uri"/> goes; a direct leg (with <paramref name="policy"/>) is checked at the address it resolved to.</summary>
    private static async Task<DialTarget> ResolveDirectAsync(DialLeg leg, SipUri uri, DirectDialPolicy? policy, CancellationToken cancellationToken)
    {
        if (uri.IsSecure || uri.Transport is { } t && !t.Equals("udp", StringComparison.OrdinalIgnoreCase) && !t.Equals("tcp", StringComparison.OrdinalIgnoreCase))
        {
            return DialTarget.Unreachable(leg, SipStatusCodes.BadGateway, "Bad Gateway - only sip: over UDP or TCP can be dialled");
        }

        if (policy is { Enabled: false })
        {
            return DialTarget.Unreachable(leg, DirectDialPolicy.RefusalStatus, DirectDialPolicy.DisabledRefusal) with { Text = $"{leg.Text} (refused by Sip:DirectDial)" };
        }

        if (await SipDestinationResolver.ResolveAsync(uri, cancellationToken) is not { } destination)
        {
            return DialTarget.Unreachable(leg, SipStatusCodes.NotFound, "Not Found - unknown host " + uri.Host);
        }

        // The address the INVITE would go to is checked, not the name: a name pointing inward is refused too, and
        // it is not looked up again, so it cannot change in between. The leg fails like an unreachable one, and is
        // logged once, with the address, where unreachable legs are.
        if (policy?.Refusal(destination.EndPoint.Address) is { } refusal)
        {
            return DialTarget.Unreachable(leg, DirectDialPolicy.RefusalStatus, refusal) with { Text = $"{leg.Text} (at {destination.EndPoint.Address}, refused by Sip:DirectDial)" };
        }

        NameAddress to = new(uri.WithParameters(SipParameters.Empty));
        return new DialTarget(uri, to, destination, leg.Options, leg.Text);
    }

    private async Task<IReadOnlyList<DialTarget>> ResolveLocalAsync(DialLeg leg, CancellationToken cancellationToken)
    {
        var account = await environment.Accounts.FindAsync(leg.User, cancellationToken);
        if (account is null)
        {
            return [DialTarget.Unreachable(leg, SipStatusCodes.NotFound, "Not Found")];
        }

        if (!account.MayUseService)
        {
            return [DialTarget.Unreachable(leg, SipStatusCodes.Forbidden, "Forbidden")];
        }

        DateTime now = environment.Time.GetUtcNow().UtcDateTime;
        string domain = environment.HostedDomains.Count > 0 ? environment.HostedDomains[0] : "localhost";
        NameAddress to = new(new SipUri(domain, account.Username));
        List<DialTarget> targets = [];
        foreach (var binding in await environment.Bindings.ListAsync(account.AccountId, cancellationToken))
        {
            // A binding whose NAT keep-alives went unanswered is not rung: the phone behind it is gone.
            if (binding.ExpiresAt > now && binding.UnreachableSince is null && SipUri.TryParse(binding.ContactUri, out SipUri? contact)
                && SipEndPoint.TryParse(binding.ReceivedFrom, out SipEndPoint flow))
            {
                // The INVITE goes to the flow the REGISTER came on, so phones behind NAT are reached (RFC 5626 §5.3);
                // a registration that came through proxies also gets their Path as its Route (RFC 3327 §5.3): the
                // first hop is the proxy that flow leads to.
                targets.Add(new DialTarget(contact, to, flow, leg.Options, $"{account.Username} at {binding.ContactUri}", LocalAccount: account,
                    Route: binding.Path));
            }
        }

        return targets.Count > 0 ? targets : [DialTarget.Unreachable(leg, SipStatusCodes.TemporarilyUnavailable, "Temporarily Unavailable")];
    }
}

using System.Globalization;
using System.Security.Cryptography;

using Portal.Sip.Auth;
using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Tracing;
using Portal.Sip.Transactions;
using Portal.Sip.Calls.Dialling;

namespace Portal.Sip.Calls;

/// <summary>
/// A leg this service places to one destination, as UAC of a new INVITE with its own Call-ID, From tag and CSeq
/// (DESIGN §5). From takes its user from <c>fu</c> (else the offering party's: the caller, or for a transfer the
/// party that stays), its display name from <c>fd</c> (else that party's) and its host from <c>fh</c> (else our
/// first domain). That party's SDP goes along under this leg's origin. When the leg is given up (another leg answered, the ring time ran out, the caller cancelled) it is
/// CANCELled, and a 2xx that still arrives is ACKed and hung up at once (§15, RFC 3261 §13.2.2.4).
/// </summary>
internal sealed class CalleeLeg : CallLeg
{
    private SipRequest _invite;
    private int _abandoned;
    private bool _authenticated;

    public CalleeLeg(Call call, CallEnvironment environment, CallLegRole role, DialTarget target, LegOffer offer, TimeSpan ringTime, TimeSpan maxDuration)
        : base(call, environment, role, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            target.Destination, target.RequestUri!.ToString(), target.Options.FromUser ?? offer.FromUser ?? "anonymous", target.To?.SipUri?.User)
    {
        DialTarget = target;
        RingTime = ringTime;
        MaxDuration = maxDuration;
        _invite = BuildInvite(target, offer);
    }

    public DialTarget DialTarget { get; }

    public TimeSpan RingTime { get; }

    /// <summary>The longest the call may last if this leg answers (<c>cd</c>).</summary>
    public TimeSpan MaxDuration { get; }

    /// <summary>Whether the INVITE carried an offer; if not, the 2xx carries one and our ACK the caller's answer.</summary>
    public bool OfferedInInvite => !_invite.Body.IsEmpty;

    /// <summary>The offer the INVITE carried (under this leg's origin); empty for a late offer.</summary>
    public ReadOnlyMemory<byte> OfferedBody => _invite.Body;

    public InviteClientTransaction? Transaction { get; private set; }

    /// <summary>The INVITE as last sent, findable by Call-ID for late 2xx; null until <see cref="Start"/>.</summary>
    public PlacedInvite? Placed { get; private set; }

    public bool IsAbandoned => Volatile.Read(ref _abandoned) != 0;

    /// <summary>Sends the INVITE; provisional responses go to <paramref name="onProvisional"/>.</summary>
    public InviteClientTransaction Start(Action<SipResponse> onProvisional)
    {
        StartedAt = Environment.Time.GetUtcNow();
        Placed = new PlacedInvite(_invite, Peer);
        Environment.Placed[CallId] = Placed;
        if (Call.Trace is { } trace)
        {
            Environment.Trace?.Link(trace, new CallTraceLeg(CallId, Role == CallLegRole.Transfer ? "transfer" : "callee", Target));
        }

        InviteClientTransaction transaction = (InviteClientTransaction)Environment.Layer.SendRequest(_invite, Peer, onProvisional);
        Transaction = transaction;
        return transaction;
    }

    /// <summary>
    /// A provider challenged the INVITE (401/407): send it again with the provider's credentials (RFC 3261 §22.2),
    /// same Call-ID, From tag and To, the next CSeq and a new branch. Null when there is nothing (more) to answer
    /// with: no provider, no credentials, a second challenge, or a scheme this service cannot answer.
    /// </summary>
    public InviteClientTransaction? RetryWithCredentials(SipResponse challenge, Action<SipResponse> onProvisional)
    {
        if (_authenticated || IsAbandoned || DialTarget.Provider is not { AuthUsername: { } user, Password: { } password })
        {
            return null;
        }

        var retry = new SipRequest(SipMethod.Invite, _invite.Uri, _invite.Headers.Clone(), _invite.Body);
        retry.Headers.Set(SipHeaderNames.Via, Environment.Addresses.NewVia(Peer).ToString());
        retry.Headers.Set(SipHeaderNames.CSeq, new CSeqHeader(_invite.CSeq!.Number + 1, SipMethod.Invite).ToString());
        if (DigestClient.Answer(challenge, retry, user, password) is not { } answer)
        {
            return null;
        }

        retry.Headers.Add(challenge.StatusCode == SipStatusCodes.ProxyAuthenticationRequired
            ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization, answer);
        _authenticated = true;
        _invite = retry;
        Placed = new PlacedInvite(retry, Peer);
        Environment.Placed[CallId] = Placed;
        var transaction = (InviteClientTransaction)Environment.Layer.SendRequest(retry, Peer, onProvisional);
        Transaction = transaction;
        return transaction;
    }

    /// <summary>Gives the leg up: CANCEL (sent once a provisional has arrived, §9.1). Returns false when it already was.</summary>
    public bool Abandon()
    {
        if (Interlocked.Exchange(ref _abandoned, 1) != 0)
        {
            return false;
        }

        if (Transaction is { } transaction)
        {
            _ = transaction.CancelAsync().AsTask();
        }

        return true;
    }

    /// <summary>
    /// This leg won: its dialog is made from the 2xx (§12.1.2) and registered, and the 2xx ACKed at once when the
    /// INVITE carried the offer; otherwise the ACK waits for the caller's answer (see <see cref="CallLeg.AckRelay"/>).
    /// </summary>
    public async ValueTask<SipRequest?> ConfirmAsync(SipResponse answer)
    {
        SipDialog dialog = SipDialog.CreateUac(_invite, answer, Environment.Addresses.ContactFor(Peer), Peer);
        Dialog = dialog;
        Environment.Dialogs[dialog.Id] = this;
        RememberPeerSession(answer);
        uint sequence = _invite.CSeq!.Number;
        if (OfferedInInvite)
        {
            await SendAckAsync(sequence);
            return null;
        }

        return dialog.CreateAck(sequence, Environment.Addresses.NewVia(Peer));
    }

    /// <summary>A 2xx from a leg (or fork) that lost: ACK it and hang up at once (§13.2.2.4, §15).</summary>
    public ValueTask RefuseLateAnswerAsync(SipResponse answer) =>
        (Placed ?? new PlacedInvite(_invite, Peer)).RefuseLateAnswerAsync(Environment, answer);

    private SipRequest BuildInvite(DialTarget target, LegOffer offer)
    {
        string fromHost = target.Options.FromHost ?? (Environment.HostedDomains.Count > 0 ? Environment.HostedDomains[0] : "localhost");
        string? displayName = target.Options.FromDisplayName ?? offer.FromDisplayName;
        SipRequest invite = new(SipMethod.Invite, target.RequestUri!);
        invite.Headers.Add(SipHeaderNames.Via, Environment.Addresses.NewVia(Peer).ToString());
        if (target.Route is { } route)
        {
            invite.Headers.Add(SipHeaderNames.Route, route);
        }

        int hops = Math.Min(offer.MaxForwards, 71) - 1;
        invite.Headers.Add(SipHeaderNames.MaxForwards, hops.ToString(CultureInfo.InvariantCulture));
        NameAddress from = new(new SipUri(fromHost, FromUser), displayName);
        invite.Headers.Add(SipHeaderNames.From, from.WithTag(SipTags.NewTag()).ToString());
        invite.Headers.Add(SipHeaderNames.To, target.To!.ToString());
        invite.Headers.Add(SipHeaderNames.CallId, CallId);
        invite.Headers.Add(SipHeaderNames.CSeq, new CSeqHeader(1, SipMethod.Invite).ToString());
        invite.Headers.Add(SipHeaderNames.Contact, new NameAddress(Environment.Addresses.ContactFor(Peer)).ToString());
        invite.Headers.Add(SipHeaderNames.Allow, string.Join(", ", CallManager.AllowedInDialog));
        AddBody(invite, offer.Body, offer.BodyHeaders);
        return invite;
    }
}

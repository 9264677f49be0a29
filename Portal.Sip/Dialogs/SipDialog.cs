using System.Security.Cryptography;

using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Dialogs;

/// <summary>
/// A dialog (RFC 3261 §12): the Call-ID, local and remote tags and URIs, the remote target, the route set and
/// the sequence numbers, from which in-dialog requests are built (§12.2.1.1) and against which incoming ones are
/// checked (§12.2.2). Requests go to <see cref="Peer"/>, the flow the dialog was set up on: this service does no
/// DNS (RFC 3263) and serves phones behind NAT, whose Contact is often unreachable, so it keeps to the flow as
/// RFC 5626 §5 outbound does, while the Request-URI and Route headers still follow §12.2.1.1. Thread-safe.
/// </summary>
public sealed class SipDialog
{
    private readonly Lock _gate = new();
    private uint _localSequence;
    private uint? _remoteSequence;
    private AbsoluteUri _remoteTarget;

    private SipDialog(DialogId id, NameAddress localUri, NameAddress remoteUri, AbsoluteUri remoteTarget, IReadOnlyList<NameAddress> routeSet,
        uint localSequence, uint? remoteSequence, SipUri localContact, SipEndPoint peer)
    {
        Id = id;
        LocalUri = localUri;
        RemoteUri = remoteUri;
        _remoteTarget = remoteTarget;
        RouteSet = routeSet;
        _localSequence = localSequence;
        _remoteSequence = remoteSequence;
        LocalContact = localContact;
        Peer = peer;
    }

    public DialogId Id { get; }

    public string CallId => Id.CallId;

    public string LocalTag => Id.LocalTag;

    public string RemoteTag => Id.RemoteTag;

    /// <summary>Our From (as UAC) or To (as UAS), with our tag.</summary>
    public NameAddress LocalUri { get; }

    /// <summary>The peer's address, with its tag.</summary>
    public NameAddress RemoteUri { get; }

    /// <summary>The peer's Contact: the Request-URI of in-dialog requests, refreshed by re-INVITE and UPDATE (§12.2).</summary>
    public AbsoluteUri RemoteTarget
    {
        get
        {
            lock (_gate)
            {
                return _remoteTarget;
            }
        }
    }

    /// <summary>The Record-Route values, in the order requests carry them as Route (§12.1.1, §12.1.2).</summary>
    public IReadOnlyList<NameAddress> RouteSet { get; }

    /// <summary>The CSeq number of the last request this side sent in the dialog.</summary>
    public uint LocalSequence
    {
        get
        {
            lock (_gate)
            {
                return _localSequence;
            }
        }
    }

    /// <summary>Our Contact in this dialog.</summary>
    public SipUri LocalContact { get; }

    /// <summary>Where in-dialog requests are sent.</summary>
    public SipEndPoint Peer { get; }

    /// <summary>
    /// The dialog a UAS creates when it answers <paramref name="request"/> (§12.1.1): route set from Record-Route in
    /// order, remote target from Contact (the From URI when a broken client sent none), remote sequence from CSeq,
    /// and a random local sequence below 2^31 (§8.1.1.5).
    /// </summary>
    public static SipDialog CreateUas(SipRequest request, string localTag, SipUri localContact, SipEndPoint peer)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(localTag);
        NameAddress from = request.From ?? throw new ArgumentException("The request has no From.", nameof(request));
        NameAddress to = request.To ?? throw new ArgumentException("The request has no To.", nameof(request));
        string remoteTag = from.Tag ?? throw new ArgumentException("The request's From has no tag.", nameof(request));
        string callId = request.CallId ?? throw new ArgumentException("The request has no Call-ID.", nameof(request));
        AbsoluteUri target = request.Contacts.FirstOrDefault(c => !c.IsWildcard)?.Uri ?? from.Uri;
        return new SipDialog(new DialogId(callId, localTag, remoteTag), to.WithTag(localTag), from, target, [.. request.RecordRoutes],
            InitialSequence(), request.CSeq?.Number, localContact, peer);
    }

    /// <summary>
    /// The dialog a UAC creates from a response with a To tag to its <paramref name="request"/> (§12.1.2): route
    /// set from the response's Record-Route in reverse, remote target from its Contact, local sequence from the
    /// request's CSeq, remote sequence empty.
    /// </summary>
    public static SipDialog CreateUac(SipRequest request, SipResponse response, SipUri localContact, SipEndPoint peer)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        NameAddress from = request.From ?? throw new ArgumentException("The request has no From.", nameof(request));
        NameAddress to = response.To ?? throw new ArgumentException("The response has no To.", nameof(response));
        string localTag = from.Tag ?? throw new ArgumentException("The request's From has no tag.", nameof(request));
        string remoteTag = to.Tag ?? throw new ArgumentException("The response's To has no tag.", nameof(response));
        string callId = request.CallId ?? throw new ArgumentException("The request has no Call-ID.", nameof(request));
        AbsoluteUri target = response.Contacts.FirstOrDefault(c => !c.IsWildcard)?.Uri ?? request.Uri;
        return new SipDialog(new DialogId(callId, localTag, remoteTag), from, to, target, [.. response.RecordRoutes.Reverse()],
            request.CSeq?.Number ?? 1, null, localContact, peer);
    }

    /// <summary>
    /// A new request in the dialog (§12.2.1.1) with the next local CSeq: Request-URI and Route from the remote
    /// target and route set (loose routing when the first route has <c>lr</c>, else the strict-routing form), From
    /// and To with the tags, our Contact on target-refresh requests (INVITE, UPDATE). Not for ACK or CANCEL.
    /// </summary>
    public SipRequest CreateRequest(SipMethod method, ViaHeader via)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method == SipMethod.Ack || method == SipMethod.Cancel)
        {
            throw new ArgumentException("ACK uses CreateAck; CANCEL is built from the request it cancels.", nameof(method));
        }

        uint sequence;
        lock (_gate)
        {
            sequence = ++_localSequence;
        }

        return Build(method, sequence, via);
    }

    /// <summary>The ACK for a 2xx to the INVITE with CSeq <paramref name="inviteSequence"/> (§13.2.2.4): same CSeq number, new branch.</summary>
    public SipRequest CreateAck(uint inviteSequence, ViaHeader via) => Build(SipMethod.Ack, inviteSequence, via);

    /// <summary>
    /// Checks an incoming request's CSeq against the remote sequence (§12.2.2) and records it. False means it is
    /// out of order (lower than the last one) and must be refused with 500.
    /// </summary>
    public bool TryAcceptRemoteSequence(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CSeq is not { } cseq)
        {
            return false;
        }

        lock (_gate)
        {
            if (_remoteSequence is { } last && cseq.Number < last)
            {
                return false;
            }

            _remoteSequence = cseq.Number;
            return true;
        }
    }

    /// <summary>A target refresh (§12.2.1.2, §12.2.2): a re-INVITE or UPDATE, or a 2xx to ours, replaces the remote target with its Contact.</summary>
    public void RefreshTarget(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Contacts.FirstOrDefault(c => !c.IsWildcard)?.Uri is { } target)
        {
            lock (_gate)
            {
                _remoteTarget = target;
            }
        }
    }

    /// <summary>Whether a request of this method refreshes the remote target (§12.2; RFC 3311 §5.1 for UPDATE).</summary>
    public static bool IsTargetRefresh(SipMethod method) => method == SipMethod.Invite || method == SipMethod.Update;

    private static uint InitialSequence() => (uint)RandomNumberGenerator.GetInt32(1, 1 << 16);

    private SipRequest Build(SipMethod method, uint sequence, ViaHeader via)
    {
        ArgumentNullException.ThrowIfNull(via);
        AbsoluteUri target = RemoteTarget;
        AbsoluteUri requestUri = target;
        List<string> routes = [.. RouteSet.Select(r => r.ToString())];
        if (RouteSet.Count > 0 && RouteSet[0].SipUri is { IsLooseRouter: false } strict)
        {
            // §12.2.1.1 strict routing: the first route becomes the Request-URI (without the parameters a
            // Request-URI may not carry), and the remote target goes last in Route.
            requestUri = strict.WithoutParameter("maddr").WithoutParameter("ttl").WithoutParameter("transport").WithHeaders(null);
            routes.RemoveAt(0);
            routes.Add(new NameAddress(target).ToString());
        }

        SipRequest request = new(method, requestUri);
        request.Headers.Add(SipHeaderNames.Via, via.ToString());
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        foreach (string route in routes)
        {
            request.Headers.Add(SipHeaderNames.Route, route);
        }

        request.Headers.Add(SipHeaderNames.From, LocalUri.ToString());
        request.Headers.Add(SipHeaderNames.To, RemoteUri.ToString());
        request.Headers.Add(SipHeaderNames.CallId, CallId);
        request.Headers.Add(SipHeaderNames.CSeq, new CSeqHeader(sequence, method).ToString());
        if (IsTargetRefresh(method))
        {
            request.Headers.Add(SipHeaderNames.Contact, new NameAddress(LocalContact).ToString());
        }

        return request;
    }
}

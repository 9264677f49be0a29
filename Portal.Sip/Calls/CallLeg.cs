using Portal.Sip.Calls.Records;
using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;

namespace Portal.Sip.Calls;

/// <summary>
/// One leg of a call: a dialog of its own (RFC 3261 §12) with its own Call-ID, tags and CSeq, the SDP origin this
/// service shows on it (RFC 3264 §8), and the 2xx it is retransmitting until the peer's ACK (§13.3.1.4). Its
/// state fields are guarded by the call's gate.
/// </summary>
internal abstract class CallLeg
{
    private SipDialog? _dialog;
    private PeerSession? _peerSession;
    private bool _peerHungUp;

    private protected CallLeg(Call call, CallEnvironment environment, CallLegRole role, string callId, SipEndPoint peer, string target,
        string? fromUser, string? toUser)
    {
        Call = call;
        Environment = environment;
        Role = role;
        CallId = callId;
        Peer = peer;
        Target = target;
        FromUser = fromUser;
        ToUser = toUser;
        Origin = SdpOrigin.Create(environment.Addresses.SdpAddressFor(peer));
        StartedAt = environment.Time.GetUtcNow();
    }

    public Call Call { get; }

    public CallLegRole Role { get; }

    public string CallId { get; }

    /// <summary>Where this leg's requests go: the flow it was set up on.</summary>
    public SipEndPoint Peer { get; }

    public string Target { get; }

    public string? FromUser { get; }

    public string? ToUser { get; }

    public SdpOrigin Origin { get; }

    /// <summary>The leg's dialog; null for a placed leg until it answers.</summary>
    public SipDialog? Dialog
    {
        get => Volatile.Read(ref _dialog);
        private protected set => Volatile.Write(ref _dialog, value);
    }

    public CallLegState State { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public int? Status { get; set; }

    /// <summary>The peer sent a BYE: nothing more is sent in this leg's dialog.</summary>
    public bool PeerHungUp
    {
        get => Volatile.Read(ref _peerHungUp);
        set => Volatile.Write(ref _peerHungUp, value);
    }

    /// <summary>An offer/answer exchange (re-INVITE, UPDATE) is in progress through this leg (§14.2, RFC 3311 §5.2).</summary>
    public bool OfferPending { get; set; }

    /// <summary>Our 2xx to an INVITE from this leg's peer, retransmitted until its ACK.</summary>
    public AnswerRetransmission? Answer { get; set; }

    /// <summary>
    /// When the peer's ACK carries the SDP answer to an offer another leg made in its 2xx (a delayed offer): that
    /// leg and the ACK to send it once the answer is known.
    /// </summary>
    public (CallLeg Leg, SipRequest Ack)? AckRelay { get; set; }

    /// <summary>The last ACK sent for a 2xx on this leg, resent when the 2xx is retransmitted (§13.2.2.4).</summary>
    public SipRequest? LastAck { get; set; }

    /// <summary>
    /// The last session description this leg's peer sent (in an offer or an answer): what a blind transfer offers
    /// the new party when this leg is the one that stays. Null until the peer has sent SDP.
    /// </summary>
    public PeerSession? PeerSession
    {
        get => Volatile.Read(ref _peerSession);
        private set => Volatile.Write(ref _peerSession, value);
    }

    protected CallEnvironment Environment { get; }

    public CallLegSnapshot Snapshot() =>
        new(Role, CallId, FromUser, ToUser, Target, State, StartedAt, AnsweredAt, EndedAt, Status);

    /// <summary>Sends a new request in the dialog, with a relayed body (an SDP body gets this leg's origin).</summary>
    public ClientTransaction SendRequest(SipMethod method, ReadOnlyMemory<byte> body = default, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        SipDialog dialog = Dialog ?? throw new InvalidOperationException("The leg has no dialog yet.");
        SipRequest request = dialog.CreateRequest(method, Environment.Addresses.NewVia(Peer));
        AddBody(request, body, headers);
        return Environment.Layer.SendRequest(request, Peer);
    }

    /// <summary>Sends a BYE and does not wait for its answer (§15.1.1); a failure only means the peer is gone already.</summary>
    public void SendBye()
    {
        if (Dialog is null || PeerHungUp)
        {
            return;
        }

        try
        {
            _ = SendRequest(SipMethod.Bye).Completion;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            CallLog.StepFailed(Environment.Logger, e, Call.Number, "sending BYE");
        }
    }

    /// <summary>Sends the ACK for a 2xx with CSeq <paramref name="sequence"/>, remembering it for retransmitted 2xx.</summary>
    public async ValueTask SendAckAsync(uint sequence, ReadOnlyMemory<byte> body = default, string? contentType = null)
    {
        SipDialog dialog = Dialog ?? throw new InvalidOperationException("The leg has no dialog yet.");
        SipRequest ack = dialog.CreateAck(sequence, Environment.Addresses.NewVia(Peer));
        if (!body.IsEmpty && contentType is not null)
        {
            AddBody(ack, body, [new(SipHeaderNames.ContentType, contentType)]);
        }

        LastAck = ack;
        await Environment.Layer.SendAckAsync(ack, Peer);
    }

    /// <summary>An ACK from the peer in this leg's dialog: stops our 2xx retransmission, and relays a delayed answer.</summary>
    public async ValueTask OnAckAsync(SipRequest ack)
    {
        if (Answer is not { } answer || ack.CSeq?.Number != answer.Sequence || !answer.Acknowledge())
        {
            return;
        }

        RememberPeerSession(ack);

        if (AckRelay is { } relay)
        {
            AckRelay = null;
            SipRequest forward = relay.Ack;
            relay.Leg.AddBody(forward, ack.Body, ack.Headers.GetFirst(SipHeaderNames.ContentType) is { } type ? [new(SipHeaderNames.ContentType, type)] : null);
            relay.Leg.LastAck = forward;
            await Environment.Layer.SendAckAsync(forward, relay.Leg.Peer);
        }
    }

    /// <summary>A retransmitted 2xx in this leg's dialog: our ACK for it is sent again (§13.2.2.4).</summary>
    public ValueTask OnRetransmittedAnswerAsync(SipResponse response) =>
        LastAck is { } ack && ack.CSeq?.Number == response.CSeq?.Number ? Environment.Layer.SendAckAsync(ack, Peer) : ValueTask.CompletedTask;

    /// <summary>Puts a relayed body on a request this leg sends; an SDP body gets this leg's origin (RFC 3264 §8).</summary>
    public void AddBody(SipRequest request, ReadOnlyMemory<byte> body, IEnumerable<KeyValuePair<string, string>>? headers)
    {
        string? contentType = null;
        foreach ((string name, string value) in headers ?? [])
        {
            request.Headers.Add(name, value);
            if (string.Equals(name, SipHeaderNames.ContentType, StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
        }

        request.Body = RewriteBody(body, contentType);
    }

    /// <summary>Keeps <paramref name="message"/>'s SDP, if it has any, as the peer's current session description.</summary>
    public void RememberPeerSession(SipMessage message)
    {
        if (!message.Body.IsEmpty && message.Headers.GetFirst(SipHeaderNames.ContentType) is { } type
            && ContentTypeHeader.TryParse(type, out ContentTypeHeader? parsed) && parsed.IsSdp)
        {
            PeerSession = new PeerSession(message.Body, BodyHeaders(message));
        }
    }

    /// <summary>The headers that describe a body and travel with it when it is relayed to the other leg.</summary>
    public static List<KeyValuePair<string, string>> BodyHeaders(SipMessage message)
    {
        List<KeyValuePair<string, string>> headers = [];
        foreach (string name in (ReadOnlySpan<string>)[SipHeaderNames.ContentType, SipHeaderNames.ContentDisposition, "Info-Package"])
        {
            if (message.Headers.GetFirst(name) is { } value)
            {
                headers.Add(new(name, value));
            }
        }

        return headers;
    }

    /// <summary>The body as this leg's peer should see it: SDP with this leg's origin, anything else unchanged.</summary>
    public ReadOnlyMemory<byte> RewriteBody(ReadOnlyMemory<byte> body, string? contentType) =>
        !body.IsEmpty && contentType is not null && ContentTypeHeader.TryParse(contentType, out ContentTypeHeader? type) && type.IsSdp
            ? Origin.Apply(body)
            : body;
}

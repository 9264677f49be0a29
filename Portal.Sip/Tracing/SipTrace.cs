using System.Collections.Concurrent;

using Portal.Sip.Limits;
using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Tracing;

/// <summary>
/// The SIP messages of every call, kept in memory while the call lasts and for <see cref="SipTraceOptions.Keep"/>
/// after it ends, within <see cref="SipTraceOptions.MaxBytes"/> (DESIGN §10: every table is bounded). The
/// transport reports each message (<see cref="ISipMessageObserver"/>); only those whose Call-ID belongs to a
/// call's leg are kept, so REGISTER and OPTIONS traffic costs one dictionary look-up each. A new INVITE's
/// messages collect in a small table of unclaimed traces until the call manager claims them
/// (<see cref="Begin"/>): that is how the challenge and the retry before a call exists end up in its ladder.
/// </summary>
public sealed class SipTrace : ISipMessageObserver
{
    /// <summary>Messages one call keeps; past it the oldest after its setup go (see <see cref="CallTrace.KeptFromStart"/>).</summary>
    public const int MaxMessagesPerCall = 2000;

    /// <summary>New INVITEs whose messages are held until a call claims them; the least recent go first.</summary>
    public const int UnclaimedCapacity = 256;

    /// <summary>Messages an unclaimed trace holds: a challenge, the retry and their answers fit.</summary>
    private const int MaxUnclaimedMessages = 16;

    private readonly TimeProvider _time;
    private readonly TimeSpan _keep;
    private readonly long _maxBytes;
    private readonly ConcurrentDictionary<string, CallTrace> _bySipCallId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CallTrace> _byCallId = new(StringComparer.Ordinal);
    private readonly BoundedTable<string, CallTrace> _unclaimed;
    private readonly ConcurrentQueue<CallTrace> _ended = new();
    private readonly Lock _sweepGate = new();
    private long _bytes;

    public SipTrace(SipTraceOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _keep = options.Keep;
        _maxBytes = options.MaxBytes;
        _unclaimed = new BoundedTable<string, CallTrace>(UnclaimedCapacity, StringComparer.Ordinal, (callId, trace) => Unlink(callId, trace));
    }

    /// <summary>Bytes of messages held in all.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public void Received(SipMessage message, ReadOnlySpan<byte> bytes, SipEndPoint remote, SipEndPoint local) =>
        Record(message, bytes, SipTraceDirection.Received, remote, local);

    public void Sent(SipMessage message, ReadOnlySpan<byte> bytes, SipEndPoint remote, SipEndPoint local) =>
        Record(message, bytes, SipTraceDirection.Sent, remote, local);

    /// <summary>
    /// A call starts: it takes the messages its caller's Call-ID collected (or starts empty) and keeps that leg's.
    /// </summary>
    public CallTrace Begin(string callId, string ownerId, CallTraceLeg caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Sweep();
        if (!_unclaimed.TryGetValue(caller.CallId, out CallTrace? trace) || !_unclaimed.Remove(caller.CallId) || trace.IsForgotten)
        {
            trace = new CallTrace(_time.GetUtcNow(), MaxMessagesPerCall);
        }

        trace.Claim(callId, ownerId, MaxMessagesPerCall);
        _byCallId[callId] = trace;
        Link(trace, caller);
        return trace;
    }

    /// <summary>A leg joins the call (before its INVITE goes): its messages are kept from now on.</summary>
    public void Link(CallTrace trace, CallTraceLeg leg)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(leg);
        trace.AddLeg(leg);
        _bySipCallId[leg.CallId] = trace;
    }

    /// <summary>The call ended: its messages are kept for <see cref="SipTraceOptions.Keep"/> more (late ones still join).</summary>
    public void End(CallTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        trace.MarkEnded(_time.GetUtcNow());
        _ended.Enqueue(trace);
        Sweep();
    }

    /// <summary>The trace of the call with this id (<c>CallSnapshot.Id</c>), in progress or ended within the keep time.</summary>
    public CallTrace? Find(string callId)
    {
        Sweep();
        return _byCallId.TryGetValue(callId, out CallTrace? trace) && !trace.IsForgotten ? trace : null;
    }

    /// <summary>The trace of the call one of whose legs has this SIP Call-ID (a call record keeps its caller's).</summary>
    public CallTrace? FindBySipCallId(string sipCallId)
    {
        Sweep();
        return _bySipCallId.TryGetValue(sipCallId, out CallTrace? trace) && trace.CallId is not null && !trace.IsForgotten ? trace : null;
    }

    private void Record(SipMessage message, ReadOnlySpan<byte> bytes, SipTraceDirection direction, SipEndPoint remote, SipEndPoint local)
    {
        if (message.CallId is not { } sipCallId)
        {
            return;
        }

        if (!_bySipCallId.TryGetValue(sipCallId, out CallTrace? trace))
        {
            if (!StartsCall(message, direction))
            {
                return;
            }

            trace = _unclaimed.AddOrUpdate(sipCallId, this, static (existing, found, store) =>
                found && existing is not null ? existing : new CallTrace(store._time.GetUtcNow(), MaxUnclaimedMessages));
            _bySipCallId.TryAdd(sipCallId, trace);
        }

        if (trace.IsForgotten)
        {
            return;
        }

        if (Interlocked.Read(ref _bytes) + bytes.Length > _maxBytes)
        {
            Sweep();
        }

        bool fits = Interlocked.Read(ref _bytes) + bytes.Length <= _maxBytes;
        byte[] copy = fits ? bytes.ToArray() : [];
        bool credentials = fits && (message.Headers.Contains(SipHeaderNames.Authorization) || message.Headers.Contains(SipHeaderNames.ProxyAuthorization));
        DateTimeOffset at = _time.GetUtcNow();
        long change = trace.Add(
            sequence => new SipTraceMessage(sequence, at, direction, remote.Protocol, local.EndPoint, remote.EndPoint, sipCallId,
                credentials ? AuthorizationMask.Apply(copy) : copy),
            fits);
        Interlocked.Add(ref _bytes, change);
    }

    /// <summary>A new INVITE from a peer (no To tag, RFC 3261 §12.1): the first message of a call that may follow.</summary>
    private static bool StartsCall(SipMessage message, SipTraceDirection direction) =>
        direction == SipTraceDirection.Received
        && message is SipRequest request
        && request.Method == SipMethod.Invite
        && request.To is { Tag: null };

    /// <summary>Forgets ended calls past the keep time, and the earliest ended ones while over the memory cap.</summary>
    private void Sweep()
    {
        if (!_ended.TryPeek(out CallTrace? oldest) || !MustGo(oldest))
        {
            return;
        }

        lock (_sweepGate)
        {
            while (_ended.TryPeek(out oldest) && MustGo(oldest) && _ended.TryDequeue(out oldest))
            {
                Forget(oldest);
            }
        }
    }

    private bool MustGo(CallTrace trace) =>
        trace.EndedAt is not { } ended || ended + _keep <= _time.GetUtcNow() || Interlocked.Read(ref _bytes) > _maxBytes * 9 / 10;

    private void Forget(CallTrace trace)
    {
        Interlocked.Add(ref _bytes, -trace.Forget());
        if (trace.CallId is { } callId)
        {
            _byCallId.TryRemove(new KeyValuePair<string, CallTrace>(callId, trace));
        }

        foreach (string sipCallId in trace.LegCallIds())
        {
            _bySipCallId.TryRemove(new KeyValuePair<string, CallTrace>(sipCallId, trace));
        }
    }

    /// <summary>An unclaimed trace made room for a newer INVITE: it and its messages go.</summary>
    private void Unlink(string sipCallId, CallTrace trace)
    {
        if (trace.CallId is not null)
        {
            return;
        }

        Interlocked.Add(ref _bytes, -trace.Forget());
        _bySipCallId.TryRemove(new KeyValuePair<string, CallTrace>(sipCallId, trace));
    }
}

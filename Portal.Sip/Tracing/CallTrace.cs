namespace Portal.Sip.Tracing;

/// <summary>
/// The SIP messages of one call, every leg's, in the order the service received or sent them (a ladder's rows).
/// Kept by <see cref="SipTrace"/>, which links it to its legs' Call-IDs. While the call sets up, before it has an
/// owner, the messages of its first INVITE (a challenge and the retry) collect here already.
/// </summary>
public sealed class CallTrace
{
    /// <summary>Messages always kept from the start of a call (its setup) when the per-call limit is reached.</summary>
    internal const int KeptFromStart = 100;

    private readonly Lock _gate = new();
    private readonly List<SipTraceMessage> _messages = [];
    private readonly List<CallTraceNote> _notes = [];
    private readonly List<CallTraceLeg> _legs = [];
    private int _maxMessages;
    private long _sequence;
    private long _bytes;
    private int _omitted;
    private event Action? Changed;

    internal CallTrace(DateTimeOffset startedAt, int maxMessages)
    {
        StartedAt = startedAt;
        _maxMessages = maxMessages;
    }

    /// <summary>The call's id in this service; null while no call has claimed these messages yet.</summary>
    public string? CallId { get; private set; }

    public string? OwnerId { get; private set; }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Bytes of messages held, as the store counts them against its cap.</summary>
    internal long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Set when the store forgot the trace: late messages are not kept any more.</summary>
    internal bool IsForgotten { get; private set; }

    /// <summary>The call as it is now; null while no call has claimed these messages.</summary>
    public CallTraceView? View()
    {
        lock (_gate)
        {
            return CallId is null || OwnerId is null
                ? null
                : new CallTraceView(CallId, OwnerId, StartedAt, EndedAt, [.. _legs], [.. _messages], [.. _notes], _omitted);
        }
    }

    /// <summary>Follows the trace: <paramref name="onChange"/> runs after each message or note, on the thread that added it. Dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        Changed += onChange;
        return new Subscription(this, onChange);
    }

    /// <summary>Adds an event that is not a SIP message (a transfer asked for over HTTP, say).</summary>
    public void Note(DateTimeOffset at, string text)
    {
        lock (_gate)
        {
            if (IsForgotten)
            {
                return;
            }

            _notes.Add(new CallTraceNote(++_sequence, at, text));
        }

        Raise();
    }

    internal void Claim(string callId, string ownerId, int maxMessages)
    {
        lock (_gate)
        {
            CallId = callId;
            OwnerId = ownerId;
            _maxMessages = maxMessages;
        }
    }

    internal void AddLeg(CallTraceLeg leg)
    {
        lock (_gate)
        {
            if (!_legs.Exists(l => l.CallId == leg.CallId))
            {
                _legs.Add(leg);
            }
        }

        Raise();
    }

    internal IReadOnlyList<string> LegCallIds()
    {
        lock (_gate)
        {
            return [.. _legs.Select(l => l.CallId)];
        }
    }

    internal void MarkEnded(DateTimeOffset at)
    {
        lock (_gate)
        {
            EndedAt ??= at;
        }

        Raise();
    }

    /// <summary>Forgets every message; returns the bytes freed.</summary>
    internal long Forget()
    {
        lock (_gate)
        {
            IsForgotten = true;
            _messages.Clear();
            _notes.Clear();
            return Interlocked.Exchange(ref _bytes, 0);
        }
    }

    /// <summary>
    /// Adds a message made by <paramref name="create"/> with the next sequence number; returns the change in bytes
    /// held (the message's size, less any message dropped past the per-call limit), or 0 when it was not kept.
    /// </summary>
    internal long Add(Func<long, SipTraceMessage> create, bool fits)
    {
        long change;
        lock (_gate)
        {
            if (IsForgotten)
            {
                return 0;
            }

            if (!fits)
            {
                _omitted++;
                return 0;
            }

            SipTraceMessage message = create(++_sequence);
            change = message.Bytes.Length;
            _messages.Add(message);
            if (_messages.Count > _maxMessages)
            {
                // The setup and the latest messages say most; the middle of a long call goes first.
                int drop = Math.Min(KeptFromStart, _maxMessages - 1);
                change -= _messages[drop].Bytes.Length;
                _messages.RemoveAt(drop);
                _omitted++;
            }

            Interlocked.Add(ref _bytes, change);
        }

        Raise();
        return change;
    }

    private void Raise()
    {
        if (Changed is not { } handlers)
        {
            return;
        }

        foreach (Action handler in handlers.GetInvocationList().Cast<Action>())
        {
            try
            {
                handler();
            }
            catch (Exception)
            {
                // A viewer's failure must not reach the SIP path that added the message.
            }
        }
    }

    private sealed class Subscription(CallTrace trace, Action handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                trace.Changed -= handler;
            }
        }
    }
}

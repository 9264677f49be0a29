using System.Diagnostics;
using System.Diagnostics.Metrics;

using Portal.Sip.Messages;

namespace Portal.Sip.Telemetry;

/// <summary>
/// The SIP service's instruments, on the meter <see cref="MeterName"/> (System.Diagnostics.Metrics, so this
/// project needs no exporter: the web app hands the meter to OpenTelemetry). Recording is cheap enough for the
/// receive path: a counter add with a <see cref="TagList"/> of interned strings allocates nothing, and costs a
/// flag check while nobody listens.
/// </summary>
public sealed class SipMetrics : IDisposable
{
    public const string MeterName = "Portal.Sip";

    /// <summary>Bucket bounds for the transfer latency, in seconds: the goal is a median under 10 ms (README "Blind transfer latency").</summary>
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Instruments on a meter of another name, which nothing subscribes to: for stacks started without metrics (tests).</summary>
    /// <remarks>Declared after <see cref="LatencyBuckets"/>, which its constructor reads.</remarks>
    internal static readonly SipMetrics Unobserved = new(new Meter(MeterName + ".Unobserved"), ownsMeter: false);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _retransmissions;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _bans;
    private long _callsActive;
    private readonly Counter<long> _callAttempts;
    private readonly Counter<long> _callOutcomes;
    private readonly Counter<long> _transfers;
    private readonly Histogram<double> _transferLatency;

    /// <summary>Instruments on a meter from <paramref name="meters"/> (the host's, so they end with it), or on a meter of their own.</summary>
    public SipMetrics(IMeterFactory? meters = null)
        : this(meters?.Create(MeterName) ?? new Meter(MeterName), ownsMeter: meters is null)
    {
    }

    private SipMetrics(Meter meter, bool ownsMeter)
    {
        _meter = meter;
        _ownsMeter = ownsMeter;
        _messages = meter.CreateCounter<long>("portal.sip.messages", "{message}",
            "SIP messages received and sent, by direction (in, out), kind (request, response) and method (a response's from its CSeq)");
        _retransmissions = meter.CreateCounter<long>("portal.sip.retransmissions", "{message}",
            "Retransmissions: sent by this service's transaction timers (A, E, G), or received from peers and absorbed by a transaction");
        _timeouts = meter.CreateCounter<long>("portal.sip.transaction.timeouts", "{transaction}",
            "Transactions that timed out (RFC 3261 §17: timer B or F without a final response, H without an ACK)");
        _registrations = meter.CreateCounter<long>("portal.sip.registrations", "{request}",
            "REGISTER requests of authenticated accounts answered, by outcome (accepted: bindings added, refreshed, removed or listed; refused)");
        _authFailures = meter.CreateCounter<long>("portal.sip.auth.failures", "{request}",
            "Digest answers that failed (wrong password or unknown user), and answers refused because the source or name is blocked");
        _bans = meter.CreateCounter<long>("portal.sip.bans", "{ban}",
            "Bans started: flood (an address over the request rate), auth-address and auth-account (too many failed answers)");
        // Observed rather than added to, so a scrape shows 0 before the first call.
        meter.CreateObservableUpDownCounter("portal.sip.calls.active", () => Interlocked.Read(ref _callsActive), "{call}", "Calls in progress");
        _callAttempts = meter.CreateCounter<long>("portal.sip.call.attempts", "{call}", "Calls started (INVITEs that passed routing and limits), by direction");
        _callOutcomes = meter.CreateCounter<long>("portal.sip.call.outcomes", "{call}",
            "Calls ended, by outcome: answered, failed, cancelled or interrupted (before an answer)");
        _transfers = meter.CreateCounter<long>("portal.sip.transfers", "{transfer}", "Transfers finished, by outcome (answered, failed)");
        _transferLatency = meter.CreateHistogram<double>("portal.sip.transfer.latency", "s",
            "From a transfer request's arrival to the new destination's INVITE handed to the transport",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    }

    public void MessageReceived(SipMessage message) => CountMessage("in", message);

    public void MessageSent(SipMessage message) => CountMessage("out", message);

    public void RetransmissionSent() => _retransmissions.Add(1, new KeyValuePair<string, object?>("direction", "out"));

    public void RetransmissionReceived() => _retransmissions.Add(1, new KeyValuePair<string, object?>("direction", "in"));

    /// <param name="timer">The RFC 3261 timer that fired: <c>B</c>, <c>F</c> or <c>H</c>.</param>
    public void TransactionTimedOut(string timer) => _timeouts.Add(1, new KeyValuePair<string, object?>("timer", timer));

    /// <param name="outcome"><c>accepted</c> or <c>refused</c>.</param>
    public void Registration(string outcome) => _registrations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="reason"><c>credentials</c> (wrong password or unknown user) or <c>blocked</c>.</param>
    public void AuthFailed(string reason) => _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <param name="kind"><c>flood</c>, <c>auth-address</c> or <c>auth-account</c>.</param>
    public void BanStarted(string kind) => _bans.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <param name="direction"><c>inbound</c> or <c>outbound</c>.</param>
    public void CallStarted(string direction)
    {
        Interlocked.Increment(ref _callsActive);
        _callAttempts.Add(1, new KeyValuePair<string, object?>("direction", direction));
    }

    /// <param name="outcome"><c>answered</c>, <c>failed</c>, <c>cancelled</c> or <c>interrupted</c>.</param>
    public void CallEnded(string outcome)
    {
        Interlocked.Decrement(ref _callsActive);
        _callOutcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <param name="outcome"><c>answered</c> or <c>failed</c>.</param>
    public void TransferFinished(string outcome) => _transfers.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void TransferDialled(TimeSpan sinceRequest) => _transferLatency.Record(sinceRequest.TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>
    /// The method is a well-known one's shared name or <c>other</c>: a method name comes from the wire, and a peer
    /// sending made-up ones must not grow the number of series without bound.
    /// </summary>
    private void CountMessage(string direction, SipMessage message)
    {
        if (!_messages.Enabled)
        {
            return;
        }

        (string kind, SipMethod? method) = message is SipRequest request ? ("request", request.Method) : ("response", ResponseMethod(message));
        TagList tags = new()
        {
            { "direction", direction },
            { "kind", kind },
            { "method", method is { IsWellKnown: true } ? method.Name : "other" },
        };
        _messages.Add(1, in tags);
    }

    private static SipMethod? ResponseMethod(SipMessage response)
    {
        try
        {
            return response.CSeq?.Method;
        }
        catch (SipFormatException)
        {
            return null;
        }
    }
}

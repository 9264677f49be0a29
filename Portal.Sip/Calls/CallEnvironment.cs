using System.Collections.Concurrent;

using Microsoft.Extensions.Logging;

using Portal.Sip.Auth;
using Portal.Sip.Dialogs;
using Portal.Sip.Dialplans;
using Portal.Sip.Transport;
using Portal.Sip.Registrar;
using Portal.Sip.Transactions;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Records;
using Portal.Sip.Telemetry;
using Portal.Sip.Tracing;

namespace Portal.Sip.Calls;

/// <summary>What every part of the call layer needs: the transaction layer to send through, our addresses, the stores and the clock.</summary>
internal sealed class CallEnvironment(
    SipLocalAddress addresses,
    SipLocalDomains domains,
    IReadOnlyList<string> hostedDomains,
    ISipAccountDirectory accounts,
    ISipBindingStore bindings,
    ICallRecordSink records,
    CallLimits limits,
    DialplanEvaluator dialplanEvaluator,
    DirectDialPolicy directDial,
    TimeProvider time,
    ILogger logger,
    SipMetrics metrics)
{
    private SipTransactionLayer? _layer;

    /// <summary>The transaction layer, attached once it exists (it needs the dispatcher, which needs the call manager).</summary>
    public SipTransactionLayer Layer => _layer ?? throw new InvalidOperationException("The call manager is not attached to a transaction layer.");

    public SipLocalAddress Addresses => addresses;

    public SipLocalDomains Domains => domains;

    /// <summary>The configured domains: dial-string hosts that mean local, and the From host of placed legs.</summary>
    public IReadOnlyList<string> HostedDomains => hostedDomains;

    public ISipAccountDirectory Accounts => accounts;

    public ISipBindingStore Bindings => bindings;

    public ICallRecordSink Records => records;

    public CallLimits Limits => limits;

    /// <summary>Runs dialplans within their budget and the per-owner limit (DESIGN §10).</summary>
    public DialplanEvaluator DialplanEvaluator => dialplanEvaluator;

    /// <summary>Where direct legs may go (DESIGN §10, <c>Sip:DirectDial</c>).</summary>
    public DirectDialPolicy DirectDial => directDial;

    public TimeProvider Time => time;

    public ILogger Logger => logger;

    public SipMetrics Metrics => metrics;

    /// <summary>Where calls' SIP messages are kept for their ladders; null when nothing is traced.</summary>
    public SipTrace? Trace { get; init; }

    /// <summary>Legs by dialog, for in-dialog requests and ACKs (RFC 3261 §12.2.2).</summary>
    public ConcurrentDictionary<DialogId, CallLeg> Dialogs { get; } = new();

    /// <summary>INVITEs placed, by Call-ID, for 2xx retransmissions and late forks (§13.2.2.4).</summary>
    public ConcurrentDictionary<string, PlacedInvite> Placed { get; } = new(StringComparer.Ordinal);

    public void Attach(SipTransactionLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (Interlocked.CompareExchange(ref _layer, layer, null) is not null)
        {
            throw new InvalidOperationException("The call manager is already attached.");
        }
    }
}

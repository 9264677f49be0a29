using Portal.Sip.Calls;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Dialplans;
using Portal.Sip.Limits;
using Portal.Sip.Tracing;
using Portal.Sip.Transport;

namespace Portal.Sip.Hosting;

/// <summary>The <c>Sip</c> configuration section (DESIGN §8).</summary>
public sealed class SipOptions
{
    public const string SectionName = "Sip";

    /// <summary>Comma-separated <c>transport:address:port</c> entries.</summary>
    public string Listen { get; set; } = "udp:0.0.0.0:5060,tcp:0.0.0.0:5060";

    /// <summary>Comma-separated domains the service hosts; the listen addresses always count too.</summary>
    public string Domains { get; set; } = "localhost";

    /// <summary>Digest realm; defaults to the first hosted domain. Stored HA1 hashes are bound to it.</summary>
    public string? Realm { get; set; }

    /// <summary>Address written into Via and Contact when the service sits behind NAT.</summary>
    public string? PublicAddress { get; set; }

    /// <summary>
    /// Digest algorithms offered in challenges, in order (RFC 8760): <c>MD5</c>, <c>SHA-256</c>, or both. Some
    /// deployed clients give up when any challenge names an algorithm they lack, so an operator can narrow it.
    /// </summary>
    public string DigestAlgorithms { get; set; } = "MD5,SHA-256";

    /// <summary>
    /// User-Agent prefixes (comma-separated, case-insensitive) of clients that fail on any challenge naming an
    /// algorithm they lack, contrary to RFC 8760 §2.4; they are challenged with MD5 only. baresip 1.x is one.
    /// </summary>
    public string Md5OnlyUserAgents { get; set; } = "baresip";

    /// <summary>Calls one owner may have in progress at once; the next is answered 486 Busy Here (DESIGN §5 Limits).</summary>
    public int MaxConcurrentCallsPerOwner { get; set; } = 10;

    /// <summary>How long a dialled destination rings when neither <c>rt</c> nor <c>sys.Dial</c> says.</summary>
    public int DefaultRingSeconds { get; set; } = 60;

    /// <summary>The longest an answered call lasts when neither <c>cd</c> nor <c>sys.Dial</c> says (4 hours).</summary>
    public int DefaultMaxCallSeconds { get; set; } = 4 * 3600;

    /// <summary>
    /// The budget of one dialplan evaluation, for the whole of it (DESIGN §10): it is stopped when the budget is
    /// spent, and the caller gets 500.
    /// </summary>
    public int DialplanRunTimeMilliseconds { get; set; } = 100;

    /// <summary>Dialplan evaluations one owner may have running at once (calls and the Test panel); the next call gets 486.</summary>
    public int MaxDialplanEvaluationsPerOwner { get; set; } = 1;

    /// <summary>Legs to hosts that are neither local nor a provider (DESIGN §10).</summary>
    public DirectDialOptions DirectDial { get; set; } = new();

    /// <summary>Transfers (API, portal or REFER) one call may start; the next is refused (DESIGN §10).</summary>
    public int MaxTransfersPerCall { get; set; } = CallLimits.DefaultMaxTransfersPerCall;

    /// <summary>Calls an owner's configuration may start per hour (0 unlimited) unless an admin set the owner's own (DESIGN §10).</summary>
    public int MaxCallsPerHourPerOwner { get; set; } = CallLimits.DefaultMaxCallsPerHour;

    /// <summary>Calls an owner's configuration may start per day (0 unlimited) unless an admin set the owner's own (DESIGN §10).</summary>
    public int MaxCallsPerDayPerOwner { get; set; } = CallLimits.DefaultMaxCallsPerDay;

    /// <summary>How often (seconds) the providers to register are re-read, so a change takes effect.</summary>
    public int ProviderScanSeconds { get; set; } = 15;

    /// <summary>
    /// How often (seconds) the in-memory directory of accounts, dialplans and providers is read whole again. Saves
    /// made in this process take effect at once; this only bounds how late a change made elsewhere (an admin
    /// command while the server runs) is seen.
    /// </summary>
    public int DirectoryRefreshSeconds { get; set; } = 60;

    /// <summary>Flood, failed-authentication and table bounds (DESIGN §10).</summary>
    public SipLimitOptions Limits { get; set; } = new();

    /// <summary>When new calls are shed with 503 because the service is behind (<c>Sip:Overload:*</c>).</summary>
    public OverloadOptions Overload { get; set; } = new();

    /// <summary>Phones behind NAT (<c>Sip:Nat:*</c>).</summary>
    public SipNatOptions Nat { get; set; } = new();

    /// <summary>Limits of TCP connections (<c>Sip:Tcp:*</c>).</summary>
    public SipTcpOptions Tcp { get; set; } = new();

    /// <summary>How long and how much of calls' SIP messages are kept for their ladders (<c>Sip:Trace:*</c>).</summary>
    public SipTraceOptions Trace { get; set; } = new();

    public IReadOnlyList<string> DomainList =>
        Domains.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string EffectiveRealm =>
        string.IsNullOrWhiteSpace(Realm) ? DomainList.FirstOrDefault() ?? "localhost" : Realm.Trim();

    public CallLimits CallLimits => new(
        Math.Max(1, MaxConcurrentCallsPerOwner),
        TimeSpan.FromSeconds(Math.Clamp(DefaultRingSeconds, 1, 600)),
        TimeSpan.FromSeconds(Math.Clamp(DefaultMaxCallSeconds, 1, 86_400)),
        TimeSpan.FromMilliseconds(Math.Clamp(DialplanRunTimeMilliseconds, 10, 10_000)),
        Math.Clamp(MaxTransfersPerCall, 1, 1000),
        Math.Max(0, MaxCallsPerHourPerOwner),
        Math.Max(0, MaxCallsPerDayPerOwner));

    /// <summary>The dialplan budget and per-owner limit, as one evaluator to share between the calls and the portal.</summary>
    public DialplanEvaluator CreateDialplanEvaluator(TimeProvider time) =>
        new(CallLimits.DialplanRunTime, Math.Max(1, MaxDialplanEvaluationsPerOwner), time);

    /// <summary>The direct-dialling policy.</summary>
    /// <exception cref="FormatException">A denied network is not written as one; the message says which.</exception>
    public DirectDialPolicy CreateDirectDialPolicy() => DirectDialPolicy.Parse(DirectDial.Enabled, DirectDial.DeniedNetworks);
}

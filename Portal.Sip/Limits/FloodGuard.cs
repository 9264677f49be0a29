using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Sip.Telemetry;

namespace Portal.Sip.Limits;

/// <summary>
/// Per-source flood control in the manner of Kamailio's pike module (DESIGN §10): requests are counted per
/// source address in one-second windows; an address that sends more than the limit is ignored for the ban time.
/// The ban is logged once, when it starts, never per packet. Exempt networks (a proxy in front, a provider's
/// trunk) are never counted. The table has a fixed size and each request costs O(1). With several nodes
/// (<see cref="ISharedBans"/>) each counts its own share of the requests, and a ban started on one holds on all.
/// </summary>
public sealed partial class FloodGuard
{
    private readonly TimeProvider time;
    private readonly int limit;
    private readonly TimeSpan ban;
    private readonly IReadOnlyList<IPNetwork> exempt;
    private readonly ILogger logger;
    private readonly BoundedTable<IPAddress, Counter> counters;
    private readonly SipMetrics metrics;
    private readonly IBanReport? bans;
    private readonly ISharedBans? shared;

    public FloodGuard(TimeProvider time, SipLimitOptions limits, ILogger? logger = null, SipMetrics? metrics = null, IBanReport? bans = null,
        ISharedBans? shared = null)
    {
        this.bans = bans;
        this.shared = shared;
        this.metrics = metrics ?? SipMetrics.Unobserved;
        this.time = time;
        limit = limits.RequestsPerSecondPerAddress;
        ban = limits.FloodBan;
        exempt = ParseNetworks(limits.FloodExemptNetworks, "Sip:Limits:FloodExemptNetworks");
        this.logger = logger ?? NullLogger.Instance;
        counters = new BoundedTable<IPAddress, Counter>(limits.TableCapacity);
    }

    /// <summary>Whether a request from <paramref name="source"/> may be handled; false while the address is banned.</summary>
    public bool Admit(IPAddress source)
    {
        if (limit <= 0)
        {
            return true;
        }

        source = Normalized(source);
        if (IsExempt(source))
        {
            return true;
        }

        var now = time.GetTimestamp();
        var second = time.TimestampFrequency;
        var counter = counters.AddOrUpdate(source, (now, second, limit, ban), static (current, exists, s) =>
        {
            if (exists && current!.BannedUntil > s.now)
            {
                return current with { JustBanned = false };
            }

            var fresh = !exists || s.now - current!.WindowStart >= s.second;
            var count = fresh ? 1 : current!.Count + 1;
            var start = fresh ? s.now : current!.WindowStart;
            return count > s.limit
                ? new Counter(start, count, s.now + (long)(s.ban.TotalSeconds * s.second), JustBanned: true)
                : new Counter(start, count, 0, JustBanned: false);
        });

        if (counter.JustBanned)
        {
            LogBanned(logger, limit, (int)ban.TotalSeconds, source);
            metrics.BanStarted("flood");
            var started = new SipBan(SipBan.Flood, source, null, ban, $"over {limit} requests/s");
            bans?.BanStarted(started);
            shared?.Announce(started);
        }

        return counter.BannedUntil == 0;
    }

    /// <summary>Holds a flood ban another node started (DESIGN §11), for what is left of it; exempt networks stay exempt.</summary>
    public void Apply(SipBan peerBan)
    {
        ArgumentNullException.ThrowIfNull(peerBan);
        var source = Normalized(peerBan.Address);
        if (limit <= 0 || peerBan.Kind != SipBan.Flood || IsExempt(source) || peerBan.Duration <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetTimestamp();
        var until = now + (long)(peerBan.Duration.TotalSeconds * time.TimestampFrequency);
        counters.AddOrUpdate(source, (now, until), static (current, exists, s) =>
            new Counter(s.now, exists ? current!.Count : 0, exists ? Math.Max(current!.BannedUntil, s.until) : s.until, JustBanned: false));
        LogPeerBan(logger, (int)peerBan.Duration.TotalSeconds, source);
    }

    private static IPAddress Normalized(IPAddress source) => source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;

    private bool IsExempt(IPAddress source)
    {
        foreach (var network in exempt)
        {
            if (network.Contains(source))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses a comma-separated CIDR list (<c>none</c> or empty: no networks); a bad entry fails start-up.</summary>
    public static IReadOnlyList<IPNetwork> ParseNetworks(string? list, string setting)
    {
        if (string.IsNullOrWhiteSpace(list) || list.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var networks = new List<IPNetwork>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            networks.Add(IPNetwork.TryParse(item, out var network)
                ? network
                : throw new FormatException($"{setting}: '{item}' is not a network in CIDR form, e.g. 203.0.113.0/24."));
        }

        return networks;
    }

    private readonly record struct Counter(long WindowStart, int Count, long BannedUntil, bool JustBanned);

    // fail2ban matches this line (README "Behind fail2ban"): keep "from <address>" last.
    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP flood: over {Limit} requests/s, banned for {Seconds} s, from {Address}")]
    private static partial void LogBanned(ILogger logger, int limit, int seconds, IPAddress address);

    // Not the fail2ban line: the node that saw the flood logged that one.
    [LoggerMessage(Level = LogLevel.Information, Message = "SIP flood ban started on another node, held here for {Seconds} s: {Address}")]
    private static partial void LogPeerBan(ILogger logger, int seconds, IPAddress address);
}

using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Sip.Limits;
using Portal.Sip.Telemetry;

namespace Portal.Sip.Auth;

/// <summary>
/// Slows password guessing (DESIGN §10) per source address and per user name. An address with too many failed
/// digest answers in a window is refused outright until the window passes, whatever name it tries. A name with
/// too many failures from anywhere is refused too, except from addresses that authenticated as it lately, so a
/// guess spread over many addresses is slowed while the account's own phones keep working. Unknown names count
/// like real ones, so a block reveals nothing. Each table has a fixed size and costs O(1) per request.
/// <para>With several nodes (<see cref="ISharedBans"/>, DESIGN §11) the tables still decide every answer here;
/// failures are also added up across nodes, the node whose failure reaches a limit blocks and announces it, and
/// a block started on any node holds on all.</para>
/// </summary>
public sealed partial class AuthFailureLimiter
{
    private static readonly TimeSpan TrustedFor = TimeSpan.FromDays(1);

    private readonly TimeProvider time;
    private readonly SipLimitOptions limits;
    private readonly ILogger logger;
    private readonly BoundedTable<IPAddress, Window> byAddress;
    private readonly BoundedTable<string, Window> byName;
    private readonly BoundedTable<(string Name, IPAddress Address), DateTimeOffset> trusted;
    private readonly SipMetrics metrics;
    private readonly IBanReport? bans;
    private readonly ISharedBans? shared;

    public AuthFailureLimiter(TimeProvider time, SipLimitOptions? limits = null, ILogger? logger = null, SipMetrics? metrics = null,
        IBanReport? bans = null, ISharedBans? shared = null)
    {
        this.bans = bans;
        this.shared = shared;
        this.metrics = metrics ?? SipMetrics.Unobserved;
        this.time = time;
        this.limits = limits ?? new SipLimitOptions();
        this.logger = logger ?? NullLogger.Instance;
        byAddress = new BoundedTable<IPAddress, Window>(this.limits.TableCapacity);
        byName = new BoundedTable<string, Window>(this.limits.TableCapacity, StringComparer.Ordinal);
        trusted = new BoundedTable<(string, IPAddress), DateTimeOffset>(this.limits.TableCapacity);
    }

    /// <summary>Whether an answer for <paramref name="username"/> from <paramref name="source"/> is refused unchecked.</summary>
    public bool IsBlocked(IPAddress source, string username)
    {
        var now = time.GetUtcNow();
        var blocked = Blocked(byAddress, source, limits.AuthFailuresPerAddress, now)
            || (Blocked(byName, username, limits.AuthFailuresPerAccount, now)
                && !(trusted.TryGetValue((username, source), out var until) && until > now));
        if (blocked)
        {
            metrics.AuthFailed("blocked");
        }

        return blocked;
    }

    public void RecordFailure(IPAddress source, string username)
    {
        var now = time.GetUtcNow();
        var shown = Printable(username);
        LogFailed(logger, shown, source);
        metrics.AuthFailed("credentials");
        var window = limits.AuthFailureWindow;
        if (Count(byAddress, source, now, window) == limits.AuthFailuresPerAddress)
        {
            BlockAddress(source, announce: true);
        }

        if (Count(byName, username, now, window) == limits.AuthFailuresPerAccount)
        {
            BlockName(source, username, announce: true);
        }

        if (shared is not null)
        {
            var address = source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;
            if (limits.AuthFailuresPerAddress > 0)
            {
                shared.CountFailure($"{SipBan.AuthAddress}:{address}", window, limits.AuthFailuresPerAddress, () => BlockAddress(source, announce: false));
            }

            if (limits.AuthFailuresPerAccount > 0)
            {
                shared.CountFailure($"{SipBan.AuthAccount}:{username}", window, limits.AuthFailuresPerAccount, () => BlockName(source, username, announce: false));
            }
        }
    }

    /// <summary>Holds a block another node started (DESIGN §11), for what is left of it.</summary>
    public void Apply(SipBan peerBan)
    {
        ArgumentNullException.ThrowIfNull(peerBan);
        // A window that started this long ago ends when the peer's block does.
        var start = time.GetUtcNow() + peerBan.Duration - limits.AuthFailureWindow;
        switch (peerBan.Kind)
        {
            case SipBan.AuthAddress when limits.AuthFailuresPerAddress > 0:
                Install(byAddress, peerBan.Address, start, limits.AuthFailuresPerAddress);
                LogPeerBlock(logger, peerBan.Kind, (int)peerBan.Duration.TotalSeconds, peerBan.Address.ToString());
                break;
            case SipBan.AuthAccount when limits.AuthFailuresPerAccount > 0 && peerBan.Account is { } name:
                Install(byName, name, start, limits.AuthFailuresPerAccount);
                LogPeerBlock(logger, peerBan.Kind, (int)peerBan.Duration.TotalSeconds, $"user '{Printable(name)}'");
                break;
        }
    }

    private void BlockAddress(IPAddress source, bool announce)
    {
        var window = limits.AuthFailureWindow;
        // The shared count reached the limit with failures seen on several nodes: block here unless this node's own count already did.
        if (!announce && !Install(byAddress, source, time.GetUtcNow(), limits.AuthFailuresPerAddress))
        {
            return;
        }

        LogAddressBlocked(logger, source, limits.AuthFailuresPerAddress, (int)window.TotalSeconds);
        metrics.BanStarted(SipBan.AuthAddress);
        var ban = new SipBan(SipBan.AuthAddress, source, null, window, $"{limits.AuthFailuresPerAddress} failed digest answers");
        bans?.BanStarted(ban);
        shared?.Announce(ban);
    }

    private void BlockName(IPAddress source, string username, bool announce)
    {
        var window = limits.AuthFailureWindow;
        if (!announce && !Install(byName, username, time.GetUtcNow(), limits.AuthFailuresPerAccount))
        {
            return;
        }

        var shown = Printable(username);
        LogNameBlocked(logger, shown, limits.AuthFailuresPerAccount, (int)window.TotalSeconds, source);
        metrics.BanStarted(SipBan.AuthAccount);
        var ban = new SipBan(SipBan.AuthAccount, source, shown, window, $"{limits.AuthFailuresPerAccount} failed digest answers for the name")
        {
            Account = username,
        };
        bans?.BanStarted(ban);
        shared?.Announce(ban);
    }

    /// <summary>Makes <paramref name="key"/> blocked in a window from <paramref name="start"/>; false if it was blocked already.</summary>
    private bool Install<TKey>(BoundedTable<TKey, Window> table, TKey key, DateTimeOffset start, int max) where TKey : notnull
    {
        var wasBlocked = false;
        table.AddOrUpdate(key, (start, max, now: time.GetUtcNow(), length: limits.AuthFailureWindow), (current, exists, state) =>
        {
            wasBlocked = exists && current!.Start + state.length > state.now && current.Failures >= state.max;
            return wasBlocked && current!.Start >= state.start ? current : new Window(state.start, Math.Max(state.max, exists ? current!.Failures : 0));
        });
        return !wasBlocked;
    }

    /// <summary>Remembers that <paramref name="source"/> knows the password of <paramref name="username"/>.</summary>
    public void RecordSuccess(IPAddress source, string username) =>
        trusted.AddOrUpdate((username, source), time.GetUtcNow() + TrustedFor, static (_, _, until) => until);

    private bool Blocked<TKey>(BoundedTable<TKey, Window> table, TKey key, int max, DateTimeOffset now) where TKey : notnull =>
        max > 0 && table.TryGetValue(key, out var window) && window.Start + limits.AuthFailureWindow > now && window.Failures >= max;

    private static int Count<TKey>(BoundedTable<TKey, Window> table, TKey key, DateTimeOffset now, TimeSpan length) where TKey : notnull =>
        table.AddOrUpdate(key, (now, length), static (current, exists, state) =>
            exists && current!.Start + state.length > state.now ? current with { Failures = current.Failures + 1 } : new Window(state.now, 1)).Failures;

    /// <summary>A user name as a log line may show it: no control characters, at most 64 characters.</summary>
    private static string Printable(string username)
    {
        var cut = username.Length > 64 ? username[..64] : username;
        return string.Create(cut.Length, cut, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) || text[i] == '\'' ? '?' : text[i];
            }
        });
    }

    private sealed record Window(DateTimeOffset Start, int Failures);

    // The three lines below are what fail2ban matches (README "Behind fail2ban"): keep "from <address>" last.
    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP auth failed for user '{Username}' from {Address}")]
    private static partial void LogFailed(ILogger logger, string username, IPAddress address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP auth blocked after {Failures} failures, for {Seconds} s, from {Address}")]
    private static partial void LogAddressBlocked(ILogger logger, IPAddress address, int failures, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP auth blocked user '{Username}' after {Failures} failures, for {Seconds} s, last from {Address}")]
    private static partial void LogNameBlocked(ILogger logger, string username, int failures, int seconds, IPAddress address);

    // Not a fail2ban line: the node where the limit was reached logged that one.
    [LoggerMessage(Level = LogLevel.Information, Message = "SIP auth block ({Kind}) started on another node, held here for {Seconds} s: {Subject}")]
    private static partial void LogPeerBlock(ILogger logger, string kind, int seconds, string subject);
}

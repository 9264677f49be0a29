using System.Collections.Concurrent;
using System.Globalization;
using Portal.Sip.Auth;
using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Registrar;

/// <summary>
/// The registrar of RFC 3261 §10.3 for authenticated REGISTER requests: adds, refreshes and removes bindings,
/// honours Expires (423 below the minimum), <c>*</c> removal and a per-account cap, and answers with the
/// current contacts. The Path of a REGISTER that came through proxies (RFC 3327 §5.3) is stored with its
/// bindings, so that requests to them take that route, and is returned in the 200 when the phone supports it.
/// </summary>
public sealed class SipRegistrar(ISipBindingStore store, TimeProvider time, RegistrarOptions? options = null)
{
    /// <summary>The longest Path stored with a binding (it becomes Route headers of requests to the phone).</summary>
    public const int MaxPathLength = 1024;

    private readonly RegistrarOptions options = options ?? new RegistrarOptions();
    private readonly ConcurrentDictionary<int, SemaphoreSlim> accountLocks = new();

    /// <summary>Raised with the account id after its bindings changed (added, refreshed, removed, expired).</summary>
    public event Action<int>? BindingsChanged;

    public async Task<SipResponse> RegisterAsync(SipRequest request, SipAccountCredentials account, SipEndPoint remote,
        CancellationToken cancellationToken = default)
    {
        if (request.To?.SipUri is not { } aor || !string.Equals(aor.User, account.Username, StringComparison.Ordinal))
        {
            return request.CreateResponse(SipStatusCodes.Forbidden, "Forbidden - To must be the authenticated account's address", SipTags.NewTag());
        }

        var gate = accountLocks.GetOrAdd(account.AccountId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var current = (await store.ListAsync(account.AccountId, cancellationToken)).Where(b => b.ExpiresAt > now).ToList();
            var outcome = Apply(request, current, remote, now);
            if (outcome.Error is { } error)
            {
                return error;
            }

            if (outcome.Changed)
            {
                await store.ReplaceAsync(account.AccountId, outcome.Bindings, cancellationToken);
                BindingsChanged?.Invoke(account.AccountId);
            }

            return Success(request, outcome.Bindings, now);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Marks <paramref name="binding"/> of the account unreachable (its keep-alive went unanswered), unless the phone
    /// registered again meanwhile; it is no longer rung, and shows as unreachable until it registers or expires.
    /// </summary>
    public async Task<bool> MarkUnreachableAsync(int accountId, SipBindingRecord binding, CancellationToken cancellationToken = default)
    {
        var gate = accountLocks.GetOrAdd(accountId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var current = (await store.ListAsync(accountId, cancellationToken)).Where(b => b.ExpiresAt > now).ToList();
            var index = current.FindIndex(b => b.ContactUri == binding.ContactUri && b.CallId == binding.CallId && b.CSeq == binding.CSeq
                && b.ReceivedFrom == binding.ReceivedFrom && b.UnreachableSince is null);
            if (index < 0)
            {
                return false;
            }

            current[index] = current[index] with { UnreachableSince = now };
            await store.ReplaceAsync(accountId, current, cancellationToken);
            BindingsChanged?.Invoke(accountId);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Deletes expired bindings; called periodically by the host.</summary>
    public async Task RemoveExpiredAsync(CancellationToken cancellationToken = default)
    {
        foreach (var accountId in await store.RemoveExpiredAsync(time.GetUtcNow().UtcDateTime, cancellationToken))
        {
            BindingsChanged?.Invoke(accountId);
        }
    }

    private RegistrationOutcome Apply(SipRequest request, List<SipBindingRecord> current, SipEndPoint remote, DateTime now)
    {
        var contacts = request.Contacts;
        if (contacts.Count == 0)
        {
            return new RegistrationOutcome(current, false, null);
        }

        var callId = request.CallId ?? "";
        var cseq = (int)Math.Min(request.CSeq?.Number ?? 0, int.MaxValue);
        if (contacts.Any(c => c.IsWildcard))
        {
            // §10.3 step 6: "*" must stand alone with Expires: 0.
            if (contacts.Count != 1 || request.Expires != 0)
            {
                return Fail(request.CreateResponse(SipStatusCodes.BadRequest, "Bad Request - Contact * needs Expires: 0 and no other contact", SipTags.NewTag()));
            }

            return current.Any(b => b.CallId == callId && cseq <= b.CSeq)
                ? Fail(OutOfOrder(request))
                : new RegistrationOutcome([], current.Count > 0, null);
        }

        var (path, badPath) = PathOf(request);
        if (badPath is not null)
        {
            return Fail(badPath);
        }

        var next = current.ToDictionary(b => b.ContactUri, StringComparer.Ordinal);
        foreach (var contact in contacts)
        {
            var uri = contact.Uri!.ToString();
            var expires = (long?)contact.Expires ?? (long?)request.Expires ?? options.DefaultExpires;
            if (expires != 0 && expires < options.MinExpires)
            {
                var tooBrief = request.CreateResponse(SipStatusCodes.IntervalTooBrief, "Interval Too Brief", SipTags.NewTag());
                tooBrief.Headers.Add(SipHeaderNames.MinExpires, options.MinExpires.ToString(CultureInfo.InvariantCulture));
                return Fail(tooBrief);
            }

            if (next.TryGetValue(uri, out var existing) && existing.CallId == callId && cseq <= existing.CSeq)
            {
                return Fail(OutOfOrder(request));
            }

            if (expires == 0)
            {
                next.Remove(uri);
                continue;
            }

            // The source address is the path to the phone, whatever its Contact says (nathelper's fix_nated_register).
            var binding = new SipBindingRecord(uri, remote.ToString(), request.Headers.GetFirst(SipHeaderNames.UserAgent), now, callId, cseq, Path: path);
            var granted = Math.Min(expires, options.MaxExpires);
            if (options.NatMaxExpires > 0 && remote.Protocol == SipTransportProtocol.Udp && binding.IsBehindNat)
            {
                granted = Math.Min(granted, Math.Max(options.NatMaxExpires, options.MinExpires));
            }

            next[uri] = binding with { ExpiresAt = now.AddSeconds(granted) };
        }

        if (next.Count > options.MaxBindingsPerAccount)
        {
            return Fail(request.CreateResponse(SipStatusCodes.Forbidden,
                $"Forbidden - at most {options.MaxBindingsPerAccount} registered contacts per account", SipTags.NewTag()));
        }

        return new RegistrationOutcome(next.Values.OrderBy(b => b.ContactUri, StringComparer.Ordinal).ToList(), true, null);
    }

    /// <summary>
    /// The REGISTER's Path (RFC 3327 §4): every value a SIP URI, at most <see cref="MaxPathLength"/> characters in
    /// all; null when it has none. Anything else is refused with 400 and changes nothing.
    /// </summary>
    private static (string? Path, SipResponse? Error) PathOf(SipRequest request)
    {
        var values = request.Headers.GetValues(SipHeaderNames.Path);
        if (values.Count == 0)
        {
            return (null, null);
        }

        var path = string.Join(", ", values);
        return path.Length <= MaxPathLength && values.All(v => NameAddress.TryParse(v, out var hop) && hop.SipUri is not null)
            ? (path, null)
            : (null, request.CreateResponse(SipStatusCodes.BadRequest, "Bad Request - Path must be SIP URIs", SipTags.NewTag()));
    }

    private static SipResponse Success(SipRequest request, IReadOnlyList<SipBindingRecord> bindings, DateTime now)
    {
        var ok = request.CreateResponse(SipStatusCodes.Ok, "OK", SipTags.NewTag());
        // RFC 3327 §5.3: the Path stored goes back in the 200, when the phone said it supports Path.
        if (PathOf(request).Path is { } path && request.Headers.GetValues(SipHeaderNames.Supported).Any(o => string.Equals(o, "path", StringComparison.OrdinalIgnoreCase)))
        {
            ok.Headers.Add(SipHeaderNames.Path, path);
        }

        foreach (var binding in bindings)
        {
            var remaining = Math.Max(0, (int)Math.Ceiling((binding.ExpiresAt - now).TotalSeconds));
            ok.Headers.Add(SipHeaderNames.Contact, $"<{binding.ContactUri}>;expires={remaining.ToString(CultureInfo.InvariantCulture)}");
        }

        ok.Headers.Add(SipHeaderNames.Date, now.ToString("r", CultureInfo.InvariantCulture));
        return ok;
    }

    private static SipResponse OutOfOrder(SipRequest request) =>
        request.CreateResponse(SipStatusCodes.ServerInternalError, "Server Internal Error - REGISTER out of order (CSeq not higher)", SipTags.NewTag());

    private static RegistrationOutcome Fail(SipResponse response) => new([], false, response);

    private sealed record RegistrationOutcome(IReadOnlyList<SipBindingRecord> Bindings, bool Changed, SipResponse? Error);
}

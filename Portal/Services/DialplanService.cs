using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Microsoft.Extensions.Options;
using Portal.Sip.Dialplans;
using Portal.Sip.Hosting;
using Portal.Sip.Transport;

namespace Portal.Services;

/// <summary>
/// Dialplans of one owner. Every save bumps the version and keeps the old source in the history, so the
/// SIP service always reads the latest version on the next call.
/// </summary>
public sealed partial class DialplanService(
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditLog audit,
    TimeProvider time,
    IOptions<SipOptions> sipOptions,
    DialplanEvaluator evaluator,
    DirectDialPolicy directDial)
{
    /// <summary>How long the Test panel waits for a direct leg's host to be looked up.</summary>
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(3);

    public const int MaxSourceLength = 65536;

    public async Task<IReadOnlyList<DialplanSummary>> ListAsync(PortalCaller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Dialplans.AsNoTracking()
            .Where(d => d.OwnerId == caller.UserId)
            .OrderBy(d => d.Name)
            .Select(d => new DialplanSummary(d.Id, d.Name, d.Source, d.Version, d.UpdatedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListNamesAsync(PortalCaller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Dialplans.AsNoTracking()
            .Where(d => d.OwnerId == caller.UserId)
            .OrderBy(d => d.Name)
            .Select(d => d.Name)
            .ToListAsync(cancellationToken);
    }

    public async Task<DialplanSummary> GetAsync(PortalCaller caller, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return ToSummary(await FindOwnedAsync(db, caller, id, cancellationToken));
    }

    public async Task<DialplanSummary> CreateAsync(PortalCaller caller, string name, string source, CancellationToken cancellationToken = default)
    {
        name = CheckName(name);
        source = CheckSource(source);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Dialplans.AnyAsync(d => d.OwnerId == caller.UserId && d.Name == name, cancellationToken))
        {
            throw new PortalValidationException("Name", $"You already have a dialplan named '{name}'; edit it or choose another name.");
        }

        await ValidateAsync(db, caller, source, cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        var dialplan = new Dialplan { OwnerId = caller.UserId, Name = name, Source = source, Version = 1, UpdatedAt = now };
        dialplan.History.Add(new DialplanVersion { Version = 1, Source = source, SavedAt = now, SavedBy = caller.AuditName });
        db.Dialplans.Add(dialplan);
        audit.Add(db, caller.AuditName, "dialplan.create", name);
        await SaveAsync(db, name, cancellationToken);
        return ToSummary(dialplan);
    }

    public async Task<DialplanSummary> UpdateAsync(PortalCaller caller, int id, string source, CancellationToken cancellationToken = default)
    {
        source = CheckSource(source);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var dialplan = await FindOwnedAsync(db, caller, id, cancellationToken);
        if (dialplan.Source == source)
        {
            return ToSummary(dialplan);
        }

        await ValidateAsync(db, caller, source, cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        dialplan.Source = source;
        dialplan.Version++;
        dialplan.UpdatedAt = now;
        db.DialplanVersions.Add(new DialplanVersion
        {
            DialplanId = dialplan.Id, Version = dialplan.Version, Source = source, SavedAt = now, SavedBy = caller.AuditName,
        });
        audit.Add(db, caller.AuditName, "dialplan.update", dialplan.Name, $"version {dialplan.Version}");
        await db.SaveChangesAsync(cancellationToken);
        return ToSummary(dialplan);
    }

    /// <summary>Creates the dialplan or replaces its source: what <c>Portal dialplan set</c> does.</summary>
    public async Task<DialplanSummary> SetAsync(PortalCaller caller, string name, string source, CancellationToken cancellationToken = default)
    {
        name = CheckName(name);
        int? id;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            id = await db.Dialplans.Where(d => d.OwnerId == caller.UserId && d.Name == name)
                .Select(d => (int?)d.Id).SingleOrDefaultAsync(cancellationToken);
        }

        return id is { } existing
            ? await UpdateAsync(caller, existing, source, cancellationToken)
            : await CreateAsync(caller, name, source, cancellationToken);
    }

    public async Task DeleteAsync(PortalCaller caller, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var dialplan = await FindOwnedAsync(db, caller, id, cancellationToken);
        var users = await db.SipAccounts
            .Where(a => a.OwnerId == caller.UserId && (a.OutDialplanName == dialplan.Name || a.InDialplanName == dialplan.Name))
            .Select(a => a.Username)
            .ToListAsync(cancellationToken);
        if (users.Count > 0)
        {
            throw new PortalValidationException("",
                $"'{dialplan.Name}' is used by SIP account(s) {string.Join(", ", users)}; pick another dialplan for them first.");
        }

        var providers = await db.SipProviders.Where(p => p.OwnerId == caller.UserId && p.InDialplanName == dialplan.Name).Select(p => p.Name)
            .ToListAsync(cancellationToken);
        if (providers.Count > 0)
        {
            throw new PortalValidationException("",
                $"'{dialplan.Name}' takes the incoming calls of provider(s) {string.Join(", ", providers)}; pick another dialplan for them first.");
        }

        db.Dialplans.Remove(dialplan);
        audit.Add(db, caller.AuditName, "dialplan.delete", dialplan.Name);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The checks a save runs (DESIGN §6): every syntax error with its line and column, and dial strings naming
    /// a provider the caller does not have; and, as warnings, legs written to a host the direct-dialling policy
    /// refuses (DESIGN §10).
    /// </summary>
    public async Task<DialplanCheck> CheckAsync(PortalCaller caller, string source, CancellationToken cancellationToken = default)
    {
        source = source.Replace("\r\n", "\n");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var providers = await ProviderNamesAsync(db, caller, cancellationToken);
        var domains = sipOptions.Value.DomainList;
        return new DialplanCheck(RulesDialplanValidator.Validate(source, providers, domains),
            RulesDialplanValidator.DirectDialWarnings(source, providers, domains, directDial));
    }

    /// <summary>
    /// Runs <paramref name="source"/> (saved or not) against a dialled number as a call would, without placing one:
    /// off the caller's thread, under the same budget and per-owner limit as calls (DESIGN §10), and with each
    /// direct leg's host looked up and checked against the direct-dialling policy.
    /// </summary>
    public async Task<DialplanTestResult> TestAsync(PortalCaller caller, string source, string dialled, string? from,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(dialled))
        {
            return DialplanTestResult.Failed("Enter the number or name a phone would dial.");
        }

        var parsed = await Task.Run(() => RulesDialplanParser.Parse(source.Replace("\r\n", "\n")), cancellationToken);
        if (!parsed.Succeeded)
        {
            var first = parsed.Errors[0];
            return DialplanTestResult.Failed(
                $"The rules have {parsed.Errors.Count} error(s); fix them first (line {first.Line}, column {first.Column}: {first.Message}).");
        }

        var domain = sipOptions.Value.DomainList.FirstOrDefault() ?? "localhost";
        var context = new DialplanContext(dialled.Trim(), domain, string.IsNullOrWhiteSpace(from) ? "anonymous" : from.Trim(),
            "test-call", caller.UserName, 1, await RoutesAsync(caller, cancellationToken));
        var evaluation = await evaluator.EvaluateAsync(caller.UserId, parsed.Dialplan!, context);
        if (evaluation.Plan is not { } plan)
        {
            return DialplanTestResult.Failed(evaluation.Outcome == DialplanEvaluationOutcome.OverBudget
                ? $"{evaluation.Message} A call would get 500: simplify the rules or regexes before the first match."
                : evaluation.Message!);
        }

        var refusals = new Dictionary<DialLeg, string>();
        foreach (var leg in plan.Steps.OfType<DialStep>().SelectMany(d => d.Dial.Groups).SelectMany(g => g.Legs))
        {
            if (leg.Route is DirectRoute direct && !refusals.ContainsKey(leg)
                && await DirectLegRefusalAsync(direct, cancellationToken) is { } refusal)
            {
                refusals[leg] = refusal;
            }
        }

        return new DialplanTestResult(plan, null, refusals);
    }

    /// <summary>Why a call would fail this direct leg: the policy refuses the address it resolves to, or it does not resolve.</summary>
    private async Task<string?> DirectLegRefusalAsync(DirectRoute direct, CancellationToken cancellationToken)
    {
        if (!directDial.Enabled)
        {
            return DirectDialPolicy.DisabledRefusal;
        }

        using var lookup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lookup.CancelAfter(LookupTimeout);
        try
        {
            if (await SipDestinationResolver.ResolveAsync(direct.Uri, lookup.Token) is not { } destination)
            {
                return $"Not Found - {direct.Uri.Host} does not resolve";
            }

            // The address itself is not shown: it would tell any user what internal names resolve to.
            var named = System.Net.IPAddress.TryParse(direct.Uri.Host.Trim('[', ']'), out _) ? "" : $" ({direct.Uri.Host} resolves into a denied network)";
            return directDial.Refusal(destination.EndPoint.Address) is { } refusal ? refusal + named : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{direct.Uri.Host} could not be looked up within {LookupTimeout.TotalSeconds:0} s";
        }
    }

    /// <summary>Where dial strings of the caller's dialplans can go: their providers and the hosted domains.</summary>
    public async Task<DialStringContext> RoutesAsync(PortalCaller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return new DialStringContext(await ProviderNamesAsync(db, caller, cancellationToken), sipOptions.Value.DomainList);
    }

    private async Task ValidateAsync(PortalDbContext db, PortalCaller caller, string source, CancellationToken cancellationToken)
    {
        var errors = RulesDialplanValidator.Validate(source, await ProviderNamesAsync(db, caller, cancellationToken), sipOptions.Value.DomainList);
        if (errors.Count > 0)
        {
            throw new DialplanInvalidException(errors);
        }
    }

    private static async Task<List<string>> ProviderNamesAsync(PortalDbContext db, PortalCaller caller, CancellationToken cancellationToken) =>
        await db.SipProviders.Where(p => p.OwnerId == caller.UserId).Select(p => p.Name).ToListAsync(cancellationToken);

    private static async Task<Dialplan> FindOwnedAsync(PortalDbContext db, PortalCaller caller, int id, CancellationToken cancellationToken) =>
        await db.Dialplans.SingleOrDefaultAsync(d => d.Id == id && d.OwnerId == caller.UserId, cancellationToken)
        ?? throw new PortalNotFoundException("The dialplan");

    private static string CheckName(string? name)
    {
        name = (name ?? "").Trim();
        if (!NameRegex().IsMatch(name))
        {
            throw new PortalValidationException("Name",
                "Use 1 to 32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        return name;
    }

    private static string CheckSource(string? source)
    {
        source = (source ?? "").Replace("\r\n", "\n");
        if (string.IsNullOrWhiteSpace(source))
        {
            throw new PortalValidationException("Source", "A dialplan needs at least one rule.");
        }

        if (source.Length > MaxSourceLength)
        {
            throw new PortalValidationException("Source", $"A dialplan can be at most {MaxSourceLength} characters long.");
        }

        return source;
    }

    private static async Task SaveAsync(PortalDbContext db, string name, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new PortalValidationException("Name", $"You already have a dialplan named '{name}'; edit it or choose another name.");
        }
    }

    private static DialplanSummary ToSummary(Dialplan d) => new(d.Id, d.Name, d.Source, d.Version, d.UpdatedAt);

    [GeneratedRegex(Dialplan.NamePattern)]
    private static partial Regex NameRegex();
}

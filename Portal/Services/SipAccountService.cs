using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Sip.Auth;
using Portal.Sip.Hosting;

namespace Portal.Services;

/// <summary>
/// SIP accounts of one owner. Passwords become digest HA1 values for the service realm (DESIGN §4) and are
/// never stored or returned.
/// </summary>
public sealed partial class SipAccountService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<SipOptions> sipOptions,
    AuditLog audit,
    TimeProvider time)
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 128;

    public async Task<IReadOnlyList<SipAccountSummary>> ListAsync(PortalCaller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SipAccounts.AsNoTracking()
            .Where(a => a.OwnerId == caller.UserId)
            .OrderBy(a => a.Username)
            .Select(a => new SipAccountSummary(a.Id, a.Username, a.OutDialplanName, a.InDialplanName, a.IsDisabled,
                a.IsIncomingOnly, a.CreatedAt, a.CallersMayTransfer))
            .ToListAsync(cancellationToken);
    }

    public async Task<SipAccountSummary> GetAsync(PortalCaller caller, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var account = await FindOwnedAsync(db, caller, id, cancellationToken);
        return ToSummary(account);
    }

    public async Task<SipAccountSummary> CreateAsync(PortalCaller caller, SipAccountInput input, CancellationToken cancellationToken = default)
    {
        var username = (input.Username ?? "").Trim();
        if (!UsernameRegex().IsMatch(username))
        {
            throw new PortalValidationException(nameof(input.Username),
                "Use 2 to 32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (ContactTokenRegex().IsMatch(username))
        {
            // Providers send their calls to contacts named so (DESIGN §5): an account of that name would be shadowed.
            throw new PortalValidationException(nameof(input.Username), "Names of the form p- and 16 hex digits are reserved for providers; choose another.");
        }

        var password = RequirePassword(input.Password);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.SipAccounts.AnyAsync(a => a.Username == username, cancellationToken))
        {
            throw new PortalValidationException(nameof(input.Username), $"The SIP username '{username}' is taken; choose another.");
        }

        await CheckDialplansAsync(db, caller, input, cancellationToken);
        var realm = sipOptions.Value.EffectiveRealm;
        var account = new SipAccount
        {
            OwnerId = caller.UserId,
            Username = username,
            Realm = realm,
            Ha1Md5 = DigestHash.Ha1(DigestAlgorithm.Md5, username, realm, password),
            Ha1Sha256 = DigestHash.Ha1(DigestAlgorithm.Sha256, username, realm, password),
            OutDialplanName = Blank(input.OutDialplanName),
            InDialplanName = Blank(input.InDialplanName),
            IsDisabled = input.IsDisabled,
            IsIncomingOnly = input.IsIncomingOnly,
            CallersMayTransfer = input.CallersMayTransfer,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.SipAccounts.Add(account);
        audit.Add(db, caller.AuditName, "sip-account.create", username);
        await SaveUniqueAsync(db, username, cancellationToken);
        return ToSummary(account);
    }

    public async Task<SipAccountSummary> UpdateAsync(PortalCaller caller, int id, SipAccountInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var account = await FindOwnedAsync(db, caller, id, cancellationToken);
        await CheckDialplansAsync(db, caller, input, cancellationToken);
        if (!string.IsNullOrEmpty(input.Password))
        {
            var password = RequirePassword(input.Password);
            var realm = sipOptions.Value.EffectiveRealm;
            account.Realm = realm;
            account.Ha1Md5 = DigestHash.Ha1(DigestAlgorithm.Md5, account.Username, realm, password);
            account.Ha1Sha256 = DigestHash.Ha1(DigestAlgorithm.Sha256, account.Username, realm, password);
        }

        account.OutDialplanName = Blank(input.OutDialplanName);
        account.InDialplanName = Blank(input.InDialplanName);
        account.IsDisabled = input.IsDisabled;
        account.IsIncomingOnly = input.IsIncomingOnly;
        var transferChanged = account.CallersMayTransfer != input.CallersMayTransfer;
        account.CallersMayTransfer = input.CallersMayTransfer;
        string?[] changes =
        [
            string.IsNullOrEmpty(input.Password) ? null : "password changed",
            transferChanged ? (input.CallersMayTransfer ? "callers may transfer" : "only the owner's phones may transfer") : null,
        ];
        var detail = string.Join("; ", changes.OfType<string>());
        audit.Add(db, caller.AuditName, "sip-account.update", account.Username, detail.Length == 0 ? null : detail);
        await db.SaveChangesAsync(cancellationToken);
        return ToSummary(account);
    }

    public async Task DeleteAsync(PortalCaller caller, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var account = await FindOwnedAsync(db, caller, id, cancellationToken);
        db.SipAccounts.Remove(account);
        audit.Add(db, caller.AuditName, "sip-account.delete", account.Username);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task<SipAccount> FindOwnedAsync(PortalDbContext db, PortalCaller caller, int id, CancellationToken cancellationToken) =>
        await db.SipAccounts.SingleOrDefaultAsync(a => a.Id == id && a.OwnerId == caller.UserId, cancellationToken)
        ?? throw new PortalNotFoundException("The SIP account");

    private static async Task CheckDialplansAsync(PortalDbContext db, PortalCaller caller, SipAccountInput input, CancellationToken cancellationToken)
    {
        foreach (var (field, name) in new[] { (nameof(input.OutDialplanName), Blank(input.OutDialplanName)), (nameof(input.InDialplanName), Blank(input.InDialplanName)) })
        {
            if (name is not null && !await db.Dialplans.AnyAsync(d => d.OwnerId == caller.UserId && d.Name == name, cancellationToken))
            {
                throw new PortalValidationException(field, $"You have no dialplan named '{name}'; create it first or pick another.");
            }
        }
    }

    private static string RequirePassword(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
        {
            throw new PortalValidationException(nameof(SipAccountInput.Password),
                $"Set a SIP password of {MinPasswordLength} to {MaxPasswordLength} characters.");
        }

        return password;
    }

    private static async Task SaveUniqueAsync(PortalDbContext db, string username, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Lost a race with another request for the same name: the unique index decided.
            throw new PortalValidationException(nameof(SipAccountInput.Username), $"The SIP username '{username}' is taken; choose another.");
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static SipAccountSummary ToSummary(SipAccount a) =>
        new(a.Id, a.Username, a.OutDialplanName, a.InDialplanName, a.IsDisabled, a.IsIncomingOnly, a.CreatedAt, a.CallersMayTransfer);

    [GeneratedRegex(SipAccount.UsernamePattern)]
    private static partial Regex UsernameRegex();

    [GeneratedRegex(SipProvider.ContactTokenPattern)]
    private static partial Regex ContactTokenRegex();
}

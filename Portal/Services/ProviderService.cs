using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Sip.Messages;

namespace Portal.Services;

/// <summary>
/// The owner's SIP providers (trunks). Passwords are encrypted with ASP.NET Core Data Protection and are never
/// returned to the portal; only the SIP service unprotects them, to answer the provider's challenges.
/// </summary>
public sealed partial class ProviderService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    AuditLog audit,
    TimeProvider time)
{
    private const string PasswordPurpose = "Portal.SipProvider.Password.v1";

    public async Task<IReadOnlyList<ProviderSummary>> ListAsync(PortalCaller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var providers = await db.SipProviders.AsNoTracking().Where(p => p.OwnerId == caller.UserId).OrderBy(p => p.Name)
            .ToListAsync(cancellationToken);
        return providers.Select(ToSummary).ToList();
    }

    public async Task<ProviderSummary> GetAsync(PortalCaller caller, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return ToSummary(await FindOwnedAsync(db, caller, id, cancellationToken));
    }

    public async Task<ProviderSummary> CreateAsync(PortalCaller caller, ProviderInput input, CancellationToken cancellationToken = default)
    {
        var name = (input.Name ?? "").Trim();
        if (!NameRegex().IsMatch(name) || name == "local")
        {
            throw new PortalValidationException(nameof(input.Name),
                "Use 1 to 32 characters: lower-case letters, digits, '.', '_' or '-' ('local' is reserved). Dial strings use it as the host: 123@name.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.SipProviders.AnyAsync(p => p.OwnerId == caller.UserId && p.Name == name, cancellationToken))
        {
            throw new PortalValidationException(nameof(input.Name), $"You already have a provider named '{name}'.");
        }

        var provider = new SipProvider
        {
            OwnerId = caller.UserId, Name = name, ServerUri = "", ContactToken = NewContactToken(), CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        Apply(provider, input, requirePasswordForRegister: true);
        await CheckInDialplanAsync(db, caller, provider, cancellationToken);
        db.SipProviders.Add(provider);
        audit.Add(db, caller.AuditName, "provider.create", name);
        await db.SaveChangesAsync(cancellationToken);
        return ToSummary(provider);
    }

    public async Task<ProviderSummary> UpdateAsync(PortalCaller caller, int id, ProviderInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var provider = await FindOwnedAsync(db, caller, id, cancellationToken);
        Apply(provider, input, requirePasswordForRegister: false);
        await CheckInDialplanAsync(db, caller, provider, cancellationToken);
        provider.ContactToken ??= NewContactToken();
        audit.Add(db, caller.AuditName, "provider.update", provider.Name, string.IsNullOrEmpty(input.Password) ? null : "password changed");
        await db.SaveChangesAsync(cancellationToken);
        return ToSummary(provider);
    }

    public async Task DeleteAsync(PortalCaller caller, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var provider = await FindOwnedAsync(db, caller, id, cancellationToken);
        var pattern = new Regex($@"@{Regex.Escape(provider.Name)}(?![a-z0-9._-])", RegexOptions.None, TimeSpan.FromMilliseconds(200));
        var users = (await db.Dialplans.Where(d => d.OwnerId == caller.UserId).Select(d => new { d.Name, d.Source }).ToListAsync(cancellationToken))
            .Where(d => pattern.IsMatch(d.Source)).Select(d => d.Name).ToList();
        if (users.Count > 0)
        {
            throw new PortalValidationException("", $"Dialplan(s) {string.Join(", ", users)} dial through '{provider.Name}'; change them first.");
        }

        db.SipProviders.Remove(provider);
        audit.Add(db, caller.AuditName, "provider.delete", provider.Name);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// A new registration contact token (<see cref="SipProvider.ContactTokenPattern"/>): 64 random bits, so the
    /// token tells nothing and is not guessed; uniqueness is the database's index.
    /// </summary>
    public static string NewContactToken() => "p-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Gives every provider that has none (rows from before tokens existed) its contact token; at start.</summary>
    public async Task AssignMissingContactTokensAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var missing = await db.SipProviders.Where(p => p.ContactToken == null).ToListAsync(cancellationToken);
        foreach (var provider in missing)
        {
            provider.ContactToken = NewContactToken();
        }

        if (missing.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>The stored password in clear, for the SIP service only (never for display).</summary>
    public string? UnprotectPassword(string? protectedPassword) =>
        protectedPassword is null ? null : dataProtection.CreateProtector(PasswordPurpose).Unprotect(protectedPassword);

    private void Apply(SipProvider provider, ProviderInput input, bool requirePasswordForRegister)
    {
        provider.ServerUri = NormalizeServer(input.Server);
        provider.AuthUsername = Optional(input.AuthUsername, nameof(input.AuthUsername), 128);
        provider.FromUser = Optional(input.FromUser, nameof(input.FromUser), 128);
        provider.FromHost = Optional(input.FromHost, nameof(input.FromHost), 255);
        if (!string.IsNullOrEmpty(input.Password))
        {
            if (input.Password.Length > 256 || input.Password.Any(char.IsControl))
            {
                throw new PortalValidationException(nameof(input.Password), "The password can be at most 256 characters, without control characters.");
            }

            provider.PasswordProtected = dataProtection.CreateProtector(PasswordPurpose).Protect(input.Password);
        }

        if (input.Register && (provider.AuthUsername is null || (requirePasswordForRegister && string.IsNullOrEmpty(input.Password)) || provider.PasswordProtected is null))
        {
            throw new PortalValidationException(nameof(input.Register), "Registering needs the provider's user name and password.");
        }

        if (input.RegisterExpirySeconds is < 60 or > 86400)
        {
            throw new PortalValidationException(nameof(input.RegisterExpirySeconds), "Choose a registration interval from 60 to 86400 seconds.");
        }

        if (input.Register && !provider.Register)
        {
            provider.RegistrationState = ProviderRegistrationState.Registering;
            provider.RegistrationError = null;
        }

        provider.InDialplanName = string.IsNullOrWhiteSpace(input.InDialplanName) ? null : input.InDialplanName.Trim();
        if (provider.InDialplanName is not null && !input.Register)
        {
            // The provider sends its calls to the contact this service registers; without a registration none arrive.
            throw new PortalValidationException(nameof(input.InDialplanName), "Incoming calls need Register on: the provider sends them to the registered contact.");
        }

        provider.Register = input.Register;
        provider.RegisterExpirySeconds = input.RegisterExpirySeconds;
        if (!input.Register)
        {
            provider.RegistrationState = ProviderRegistrationState.NotRegistering;
            provider.RegistrationError = null;
            provider.RegisteredUntil = null;
        }
    }

    /// <summary>Accepts a host, host:port or a sip:/sips: URI and stores it as a URI without user part.</summary>
    private static string NormalizeServer(string? server)
    {
        server = (server ?? "").Trim();
        var text = server.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || server.StartsWith("sips:", StringComparison.OrdinalIgnoreCase)
            ? server
            : "sip:" + server;
        if (server.Length == 0 || server.Length > 255 || !SipUri.TryParse(text, out var uri) || uri.User is not null || uri.Headers.Count > 0)
        {
            throw new PortalValidationException(nameof(ProviderInput.Server),
                "Enter the provider's SIP server as a host name, host:port or sip: URI, e.g. sip.example.com or sip:sip.example.com:5080.");
        }

        return uri.ToString();
    }

    private static async Task CheckInDialplanAsync(PortalDbContext db, PortalCaller caller, SipProvider provider, CancellationToken cancellationToken)
    {
        if (provider.InDialplanName is { } name && !await db.Dialplans.AnyAsync(d => d.OwnerId == caller.UserId && d.Name == name, cancellationToken))
        {
            throw new PortalValidationException(nameof(ProviderInput.InDialplanName), $"You have no dialplan named '{name}'; create it first or pick another.");
        }
    }

    private static string? Optional(string? value, string field, int max)
    {
        value = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (value is not null && (value.Length > max || value.Any(c => char.IsControl(c) || c is ' ' or '<' or '>' or '"' or '@')))
        {
            throw new PortalValidationException(field, $"At most {max} characters, without spaces or any of < > \" @.");
        }

        return value;
    }

    private static async Task<SipProvider> FindOwnedAsync(PortalDbContext db, PortalCaller caller, int id, CancellationToken cancellationToken) =>
        await db.SipProviders.SingleOrDefaultAsync(p => p.Id == id && p.OwnerId == caller.UserId, cancellationToken)
        ?? throw new PortalNotFoundException("The provider");

    private static ProviderSummary ToSummary(SipProvider p) => new(p.Id, p.Name, p.ServerUri, p.AuthUsername, p.PasswordProtected is not null,
        p.FromUser, p.FromHost, p.Register, p.RegisterExpirySeconds, p.RegistrationState, p.RegistrationError, p.RegisteredUntil,
        p.InDialplanName, p.ContactToken);

    [GeneratedRegex(SipProvider.NamePattern)]
    private static partial Regex NameRegex();
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>
/// Call manager keys (DESIGN §7): 256 random bits, shown once, stored as a SHA-256 hash with a short prefix
/// kept in clear so the user can tell keys apart.
/// </summary>
public sealed class CallManagerKeyService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    private const string KeyTag = "pk_";
    private const int PrefixLength = 8;

    public async Task<CreatedCallManagerKey> CreateAsync(PortalCaller caller, string? name, CancellationToken cancellationToken = default)
    {
        name = string.IsNullOrWhiteSpace(name) ? "default" : name.Trim();
        if (name.Length > 64)
        {
            throw new PortalValidationException("Name", "A key name can be at most 64 characters.");
        }

        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PrefixLength / 2));
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var key = $"{KeyTag}{prefix}_{secret}";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entity = new CallManagerKey
        {
            OwnerId = caller.UserId,
            Name = name,
            Prefix = prefix,
            SecretHash = Hash(key),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.CallManagerKeys.Add(entity);
        audit.Add(db, caller.AuditName, "key.create", $"{name} ({prefix})");
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedCallManagerKey(entity.Id, name, prefix, key);
    }

    public async Task<IReadOnlyList<CallManagerKeySummary>> ListAsync(PortalCaller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.CallManagerKeys.AsNoTracking()
            .Where(k => k.OwnerId == caller.UserId)
            .OrderByDescending(k => k.CreatedAt)
            .Select(k => new CallManagerKeySummary(k.Id, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task RevokeAsync(PortalCaller caller, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.CallManagerKeys.SingleOrDefaultAsync(k => k.Id == id && k.OwnerId == caller.UserId, cancellationToken)
            ?? throw new PortalNotFoundException("The key");
        if (key.RevokedAt is not null)
        {
            return;
        }

        key.RevokedAt = time.GetUtcNow().UtcDateTime;
        audit.Add(db, caller.AuditName, "key.revoke", $"{key.Name} ({key.Prefix})");
        await db.SaveChangesAsync(cancellationToken);
    }

    internal static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Services;

/// <summary>
/// Checks a call manager key presented to the API (DESIGN §7). Unknown user, missing, malformed, wrong and
/// revoked keys all come back as null, after the same database query and the same hash comparison, so neither
/// the answer nor its timing tells which.
/// </summary>
public sealed class CallManagerKeyVerifier(IDbContextFactory<PortalDbContext> dbFactory, ILookupNormalizer normalizer, TimeProvider time,
    AuditLog audit)
{
    /// <summary>Keys are <c>pk_</c> + 8 hex + <c>_</c> + 43 base64url characters; anything much longer is not one.</summary>
    private const int MaxKeyLength = 96;

    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    // Compared against when there is no stored key, so a miss costs what a hit costs.
    private static readonly byte[] NoKeyHash = SHA256.HashData("no key"u8);

    /// <summary>
    /// The key if it is <paramref name="userName"/>'s and not revoked (any user's when <paramref name="userName"/>
    /// is null); else null. Records the key's last use, and audits it as <c>key.use</c> with
    /// <paramref name="sourceIp"/>, at most once a minute per key (a script polling a transfer would flood the log).
    /// </summary>
    public async Task<VerifiedCallManagerKey?> VerifyAsync(string? userName, string? key, CancellationToken cancellationToken = default,
        string? sourceIp = null)
    {
        var prefix = TryGetPrefix(key) ?? "";
        var normalizedUserName = userName is null ? null : normalizer.NormalizeName(userName);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.CallManagerKeys.AsNoTracking()
            .Where(k => k.Prefix == prefix)
            .Select(k => new
            {
                k.Id,
                k.Name,
                k.SecretHash,
                k.RevokedAt,
                k.LastUsedAt,
                k.OwnerId,
                k.Owner!.UserName,
                k.Owner.NormalizedUserName,
                k.Owner.IsSuspended,
            })
            .SingleOrDefaultAsync(cancellationToken);

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(key is { Length: <= MaxKeyLength } ? key : ""));
        var expected = stored is not null && prefix.Length > 0 ? Convert.FromHexString(stored.SecretHash) : NoKeyHash;
        var hashMatches = CryptographicOperations.FixedTimeEquals(presented, expected);

        if (!hashMatches || stored is null || stored.RevokedAt is not null
            || (normalizedUserName is not null && stored.NormalizedUserName != normalizedUserName))
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (stored.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedResolution)
        {
            await db.CallManagerKeys.Where(k => k.Id == stored.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
            audit.Add(db, $"key:{prefix}", "key.use", $"{stored.Name} ({prefix})", $"owner {stored.UserName}", sourceIp);
            await db.SaveChangesAsync(cancellationToken);
        }

        return new VerifiedCallManagerKey(stored.OwnerId, stored.UserName!, prefix, stored.IsSuspended);
    }

    private static string? TryGetPrefix(string? key)
    {
        // pk_<8 lower-case hex>_<secret>, as CallManagerKeyService makes them.
        if (key is not { Length: > 12 and <= MaxKeyLength } || !key.StartsWith("pk_", StringComparison.Ordinal) || key[11] != '_')
        {
            return null;
        }

        var prefix = key[3..11];
        return prefix.AsSpan().ContainsAnyExcept("0123456789abcdef") ? null : prefix;
    }
}

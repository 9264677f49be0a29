using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Portal.Sip.Auth;

/// <summary>
/// Issues and checks digest nonces (RFC 3261 §22.4, RFC 2617 §3.2.1). A nonce is self-describing:
/// issue time, randomness and an HMAC over both, so no state is kept per challenge. Nonce counts seen with
/// <c>qop=auth</c> are remembered until the nonce expires, so a replayed request is refused.
/// </summary>
public sealed class DigestNonces
{
    /// <summary>How long a nonce is accepted (DESIGN §5: 300 s); older ones get <c>stale=true</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(300);

    private const int PayloadLength = 16;
    private const int MacLength = 16;

    private readonly byte[] secret = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, NonceUse> uses = new(StringComparer.Ordinal);
    private long lastSweepTicks;

    public DigestNonces(TimeProvider time) => this.time = time;

    public string Create()
    {
        Span<byte> nonce = stackalloc byte[PayloadLength + MacLength];
        BinaryPrimitives.WriteInt64BigEndian(nonce, time.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(nonce[8..PayloadLength]);
        HMACSHA256.HashData(secret, nonce[..PayloadLength])[..MacLength].CopyTo(nonce[PayloadLength..]);
        return Convert.ToHexStringLower(nonce);
    }

    public NonceCheck Check(string? nonce)
    {
        if (nonce is null || nonce.Length != (PayloadLength + MacLength) * 2)
        {
            return NonceCheck.Invalid;
        }

        Span<byte> bytes = stackalloc byte[PayloadLength + MacLength];
        if (Convert.FromHexString(nonce, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != bytes.Length)
        {
            return NonceCheck.Invalid;
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, bytes[..PayloadLength], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacLength], bytes[PayloadLength..]))
        {
            return NonceCheck.Invalid;
        }

        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes));
        var age = time.GetUtcNow() - issued;
        return age < TimeSpan.Zero || age > Lifetime ? NonceCheck.Stale : NonceCheck.Valid;
    }

    /// <summary>
    /// Records a nonce count for a nonce; false when the count is not higher than one already used
    /// (RFC 2617 §3.2.2: the server detects replays by the nonce count).
    /// </summary>
    public bool TryUseCount(string nonce, uint nonceCount)
    {
        SweepExpired();
        var now = time.GetUtcNow();
        while (true)
        {
            if (!uses.TryGetValue(nonce, out var seen))
            {
                if (uses.TryAdd(nonce, new NonceUse(nonceCount, now + Lifetime)))
                {
                    return true;
                }

                continue;
            }

            if (nonceCount <= seen.HighestCount)
            {
                return false;
            }

            if (uses.TryUpdate(nonce, seen with { HighestCount = nonceCount }, seen))
            {
                return true;
            }
        }
    }

    private void SweepExpired()
    {
        var now = time.GetUtcNow();
        var last = Interlocked.Read(ref lastSweepTicks);
        if (now.UtcTicks - last < Lifetime.Ticks || Interlocked.CompareExchange(ref lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (key, use) in uses)
        {
            if (use.ExpiresAt < now)
            {
                uses.TryRemove(key, out _);
            }
        }
    }

    private sealed record NonceUse(uint HighestCount, DateTimeOffset ExpiresAt);
}

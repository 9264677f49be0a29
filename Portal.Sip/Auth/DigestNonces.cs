using System.Buffers.Binary;
using System.Security.Cryptography;
using Portal.Sip.Limits;

namespace Portal.Sip.Auth;

/// <summary>
/// Issues and checks digest nonces (RFC 3261 §22.4, RFC 2617 §3.2.1). A nonce is self-describing:
/// issue time, randomness and an HMAC over both, so no state is kept per challenge. Nonce counts seen with
/// <c>qop=auth</c> are remembered until the nonce expires, so a replayed request is refused. That memory has a fixed
/// size: when full, the least recently used nonce is forgotten, and every nonce issued no later than it is treated
/// as used up (the client gets a fresh challenge), so forgetting never lets a replay through.
/// </summary>
public sealed class DigestNonces
{
    /// <summary>How long a nonce is accepted (DESIGN §5: 300 s); older ones get <c>stale=true</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(300);

    private const int PayloadLength = 16;
    private const int MacLength = 16;

    private readonly byte[] secret = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider time;
    private readonly BoundedTable<string, NonceUse> uses;
    private long forgottenUpToMilliseconds = long.MinValue;

    public DigestNonces(TimeProvider time, int capacity = 100_000)
    {
        this.time = time;
        // Forgetting a nonce's record means no longer trusting anything issued as early (see TryUseCount).
        uses = new BoundedTable<string, NonceUse>(capacity, StringComparer.Ordinal,
            (nonce, _) => forgottenUpToMilliseconds = Math.Max(forgottenUpToMilliseconds, IssuedAt(nonce) ?? long.MinValue));
    }

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
    /// (RFC 2617 §3.2.2: the server detects replays by the nonce count), or when the nonce's record was forgotten.
    /// </summary>
    public bool TryUseCount(string nonce, uint nonceCount)
    {
        if (IssuedAt(nonce) is not { } issued)
        {
            return false;
        }

        // The watermark is read and moved under the table's lock, so a replay cannot slip in as its record goes.
        var accepted = false;
        uses.AddOrUpdate(nonce, nonceCount, (seen, exists, count) =>
        {
            accepted = exists ? count > seen!.HighestCount : issued > forgottenUpToMilliseconds;
            return accepted || !exists ? new NonceUse(accepted ? count : uint.MaxValue) : seen!;
        });
        return accepted;
    }

    private static long? IssuedAt(string nonce)
    {
        Span<byte> issued = stackalloc byte[8];
        return nonce.Length >= 16 && Convert.FromHexString(nonce.AsSpan(0, 16), issued, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 8
                ? BinaryPrimitives.ReadInt64BigEndian(issued)
                : null;
    }

    private sealed record NonceUse(uint HighestCount);
}

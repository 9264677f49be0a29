using System.Buffers;

namespace Portal.Sip.Calls.Transfers;

/// <summary>
/// What a transfer destination may be (DESIGN §7): the user part of a SIP URI, 1–64 characters of
/// <c>[A-Za-z0-9+*#._-]</c>. Nothing else from a transfer request reaches a SIP message.
/// </summary>
public static class TransferDestination
{
    public const int MaxLength = 64;

    public const string Rule = "a destination is 1–64 characters of A–Z, a–z, 0–9 and + * # . _ -";

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+*#._-");

    public static bool IsValid(string? destination) =>
        destination is { Length: > 0 and <= MaxLength } && !destination.AsSpan().ContainsAnyExcept(Allowed);
}

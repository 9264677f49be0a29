using System.Security.Cryptography;

namespace Portal.Services;

/// <summary>Passwords the service makes up: for an admin's reset and the SIP account editor's Generate button.</summary>
public static class RandomPassword
{
    // Letters and digits without the ones people misread when they copy a password into a phone by hand
    // (0/O, 1/l/I): 57 symbols, so 16 of them carry about 93 bits.
    private const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public const int DefaultLength = 16;

    public static string Create(int length = DefaultLength) =>
        new(RandomNumberGenerator.GetItems<char>(Alphabet, length));
}

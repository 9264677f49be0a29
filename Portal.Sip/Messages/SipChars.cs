using System.Buffers;

namespace Portal.Sip.Messages;

/// <summary>
/// Character classes of the RFC 3261 §25.1 grammar, as vectorised <see cref="SearchValues{T}"/> sets so that
/// validation runs as one <c>IndexOfAnyExcept</c> call instead of a loop or a regex.
/// </summary>
internal static class SipChars
{
    private const string Alphanum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>RFC 3261 §25.1 <c>mark</c>.</summary>
    private const string Mark = "-_.!~*'()";

    /// <summary>RFC 3261 §25.1 <c>unreserved</c> = alphanum / mark.</summary>
    private const string Unreserved = Alphanum + Mark;

    /// <summary>RFC 3261 §25.1 <c>token</c>: alphanum and <c>-.!%*_+`'~</c>.</summary>
    public static readonly SearchValues<char> Token = SearchValues.Create(Alphanum + "-.!%*_+`'~");

    /// <summary>Token characters as bytes, for header names read straight from the wire.</summary>
    public static readonly SearchValues<byte> TokenBytes = SearchValues.Create(
        System.Text.Encoding.ASCII.GetBytes(Alphanum + "-.!%*_+`'~"));

    /// <summary>RFC 3261 §25.1 <c>user</c> characters once unescaped: unreserved / user-unreserved.</summary>
    public static readonly SearchValues<char> User = SearchValues.Create(Unreserved + "&=+$,;?/");

    /// <summary>RFC 3261 §25.1 <c>password</c> characters once unescaped.</summary>
    public static readonly SearchValues<char> Password = SearchValues.Create(Unreserved + "&=+$,");

    /// <summary>RFC 3261 §25.1 <c>paramchar</c> once unescaped: param-unreserved / unreserved.</summary>
    public static readonly SearchValues<char> Param = SearchValues.Create(Unreserved + "[]/:&+$");

    /// <summary>RFC 3261 §25.1 <c>hname</c>/<c>hvalue</c> characters once unescaped.</summary>
    public static readonly SearchValues<char> UriHeader = SearchValues.Create(Unreserved + "[]/?:+$");

    /// <summary>Host name characters; '_' is tolerated (deployed DNS names use it) though RFC 3261 has no place for it.</summary>
    public static readonly SearchValues<char> HostName = SearchValues.Create(Alphanum + "-._");

    /// <summary>Characters of an IPv6 reference between the brackets (RFC 3261 §25.1, RFC 5118).</summary>
    public static readonly SearchValues<char> Ipv6 = SearchValues.Create("0123456789abcdefABCDEF:.");

    /// <summary>RFC 2396 <c>uric</c> (plus '#'), what an absoluteURI of another scheme may hold.</summary>
    public static readonly SearchValues<char> Uric = SearchValues.Create(Unreserved + ";/?:@&=+$,%[]#");

    /// <summary>RFC 3261 §25.1 <c>scheme</c> characters after the first ALPHA.</summary>
    public static readonly SearchValues<char> Scheme = SearchValues.Create(Alphanum + "+-.");

    /// <summary>RFC 3261 §25.1 <c>word</c>, the characters of a Call-ID.</summary>
    public static readonly SearchValues<char> Word = SearchValues.Create(Alphanum + "-.!%*_+`'~()<>:\\\"/[]?{}");

    public static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    public static bool IsToken(ReadOnlySpan<char> value) => !value.IsEmpty && !value.ContainsAnyExcept(Token);

    public static bool IsWhitespace(char c) => c is ' ' or '\t';

    public static bool IsAlpha(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    public static bool IsHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');
}

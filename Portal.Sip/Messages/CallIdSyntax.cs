namespace Portal.Sip.Messages;

/// <summary>
/// <c>callid = word [ "@" word ]</c> (RFC 3261 §25.1). <c>word</c> admits most visible characters, including
/// quotes, angle brackets and backslashes (RFC 4475 §3.1.1.2), but never whitespace or a second '@'.
/// </summary>
internal static class CallIdSyntax
{
    public static bool IsValid(ReadOnlySpan<char> s)
    {
        int at = s.IndexOf('@');
        if (at < 0)
        {
            return IsWord(s);
        }

        return IsWord(s[..at]) && IsWord(s[(at + 1)..]);
    }

    private static bool IsWord(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExcept(SipChars.Word);
}

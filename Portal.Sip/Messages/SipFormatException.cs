namespace Portal.Sip.Messages;

/// <summary>
/// Thrown by a typed header view when the header's value does not follow its grammar. The parser validates every
/// header that has a typed view, so this only happens for values a program added itself.
/// </summary>
public sealed class SipFormatException : FormatException
{
    public SipFormatException(string headerName, Exception? innerException = null)
        : base($"Malformed {headerName} header", innerException)
    {
        HeaderName = headerName;
    }

    public string HeaderName { get; }

    /// <summary>The 400 answer naming the header.</summary>
    public SipParseError Error => SipParseError.Malformed(HeaderName);
}

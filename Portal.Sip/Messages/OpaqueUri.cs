namespace Portal.Sip.Messages;

/// <summary>
/// A URI of a scheme this stack does not interpret (e.g. <c>http:</c>, <c>isbn:</c>, <c>soap.beep:</c>), kept as
/// text. RFC 3261 §8.2.2.1 answers such a Request-URI with 416 at the application layer, not the parser.
/// </summary>
public sealed class OpaqueUri : AbsoluteUri
{
    public OpaqueUri(string scheme, string schemeSpecificPart)
    {
        Scheme = scheme;
        SchemeSpecificPart = schemeSpecificPart;
    }

    public override string Scheme { get; }

    /// <summary>Everything after the scheme's colon, as written.</summary>
    public string SchemeSpecificPart { get; }

    public override string ToString() => Scheme + ":" + SchemeSpecificPart;
}

namespace Portal.Sip.Messages;

/// <summary>
/// The grammar check the parser applies to each header that has a typed view, so that reading a parsed
/// message's typed views never throws. Expires is deliberately absent: malformed values count as 3600
/// (RFC 3261 §20.19). Unknown headers, Date and the like are carried as text and not checked.
/// </summary>
internal static class HeaderValidators
{
    private static readonly SpanValidator ViaValue = ViaHeader.IsValid;
    private static readonly SpanValidator ContactValue = ContactHeader.IsValid;
    private static readonly SpanValidator Via = static v => SipSyntax.ValidateList(v, ViaValue);
    private static readonly SpanValidator NameAddressValue = static v => NameAddress.TryParse(v, materialise: false, out _);
    private static readonly SpanValidator NameAddressList = static v => SipSyntax.ValidateList(v, NameAddressValue);
    private static readonly SpanValidator Contact = static v => SipSyntax.ValidateList(v, ContactValue);
    private static readonly SpanValidator CallId = CallIdSyntax.IsValid;
    private static readonly SpanValidator CSeq = static v => CSeqHeader.TryScan(v, out _, out _);
    private static readonly SpanValidator MaxForwards = static v => SipSyntax.TryParseUInt32(v, out uint hops) && hops <= 255;
    private static readonly SpanValidator ContentType = ContentTypeHeader.IsValid;
    private static readonly SpanValidator Authorization = AuthorizationHeader.IsValid;
    private static readonly SpanValidator Authenticate = AuthenticateHeader.IsValid;
    private static readonly SpanValidator Replaces = ReplacesHeader.IsValid;
    private static readonly SpanValidator Event = EventHeader.IsValid;
    private static readonly SpanValidator TokenList = static v => SipSyntax.ValidateTokenList(v, allowEmptyList: true);
    private static readonly SpanValidator NonEmptyTokenList = static v => SipSyntax.ValidateTokenList(v, allowEmptyList: false);

    public static SpanValidator? Find(string canonicalName) => canonicalName switch
    {
        SipHeaderNames.Via => Via,
        SipHeaderNames.From or SipHeaderNames.To or SipHeaderNames.ReferTo or SipHeaderNames.ReferredBy => NameAddressValue,
        SipHeaderNames.Contact => Contact,
        SipHeaderNames.Route or SipHeaderNames.RecordRoute => NameAddressList,
        SipHeaderNames.CallId => CallId,
        SipHeaderNames.CSeq => CSeq,
        SipHeaderNames.MaxForwards => MaxForwards,
        SipHeaderNames.ContentType => ContentType,
        SipHeaderNames.Authorization or SipHeaderNames.ProxyAuthorization => Authorization,
        SipHeaderNames.WwwAuthenticate or SipHeaderNames.ProxyAuthenticate => Authenticate,
        SipHeaderNames.Replaces => Replaces,
        SipHeaderNames.Event => Event,
        SipHeaderNames.Allow or SipHeaderNames.Supported or SipHeaderNames.Unsupported or SipHeaderNames.AllowEvents => TokenList,
        SipHeaderNames.Require or SipHeaderNames.ProxyRequire => NonEmptyTokenList,
        _ => null,
    };
}

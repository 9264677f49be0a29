using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages.Fuzzing;

/// <summary>
/// Every typed view the service reads from a received message, each with the parts it uses, and the messages it
/// builds from one (responses, CANCEL, ACK). A view's text must parse again as the same view, since the service
/// copies views into the messages it sends.
/// </summary>
internal static class SipMessageViews
{
    public static IReadOnlyList<(string Name, Action<SipMessage> Read)> All { get; } =
    [
        ("Via", m =>
        {
            foreach (ViaHeader via in m.Vias)
            {
                _ = (via.Transport, via.SentBy, via.Branch, via.HasRfc3261Branch, via.Received, via.Maddr, via.Ttl, via.Rport);
                SameText(via.ToString(), ViaHeader.Parse);
            }
        }),
        ("From", m => ReadNameAddress(m.From)),
        ("To", m => ReadNameAddress(m.To)),
        ("Call-ID", m => _ = m.CallId),
        ("CSeq", m => _ = m.CSeq is { } cseq ? (cseq.Number, cseq.Method.Name, SameText(cseq.ToString(), CSeqHeader.Parse)) : default),
        ("Max-Forwards", m => _ = m.MaxForwards),
        ("Contact", m =>
        {
            foreach (ContactHeader contact in m.Contacts)
            {
                _ = (contact.IsWildcard, contact.Expires);
                ReadNameAddress(contact.Address);
                SameText(contact.ToString(), ContactHeader.Parse);
            }
        }),
        ("Route", m => m.Routes.ToList().ForEach(ReadNameAddress)),
        ("Record-Route", m => m.RecordRoutes.ToList().ForEach(ReadNameAddress)),
        ("Content-Type", m => _ = m.ContentType is { } type ? (type.MediaType, type.IsSdp, SameText(type.ToString(), ContentTypeHeader.Parse)) : default),
        ("Expires", m => _ = m.Expires),
        ("Authorization", m => ReadAuthorizations(m.Authorizations)),
        ("Proxy-Authorization", m => ReadAuthorizations(m.ProxyAuthorizations)),
        ("WWW-Authenticate", m => ReadChallenges(m.WwwAuthenticate)),
        ("Proxy-Authenticate", m => ReadChallenges(m.ProxyAuthenticate)),
        ("Refer-To", m => ReadNameAddress(m.ReferTo)),
        ("Referred-By", m => ReadNameAddress(m.ReferredBy)),
        ("Replaces", m => _ = m.Replaces is { } r ? (r.CallId, r.ToTag, r.FromTag, r.EarlyOnly, SameText(r.ToString(), ReplacesHeader.Parse)) : default),
        ("Event", m => _ = m.Event is { } e ? (e.Package, e.Id, SameText(e.ToString(), EventHeader.Parse)) : default),
        ("Allow, Supported, Require, Proxy-Require, Unsupported", m =>
            _ = m.Allow.Count + m.Supported.Count + m.Require.Count + m.ProxyRequire.Count + m.Unsupported.Count),
        ("Validate", m => _ = m.Validate()),
        ("Request-URI", m =>
        {
            if (m is SipRequest request)
            {
                ReadUri(request.Uri);
            }
        }),
        ("the responses, CANCEL and ACK built from a request", m =>
        {
            // The service answers a request that fails Validate too (400): that answer must parse, if not validate.
            if (m is SipRequest request && request.Method != SipMethod.Ack)
            {
                bool valid = request.Validate() is null;
                SipResponse busy = request.CreateResponse(SipStatusCodes.BusyHere, toTag: "t");
                MustParse(busy.ToBytes(), valid);
                if (valid && request.Method == SipMethod.Invite)
                {
                    MustParse(request.CreateCancel().ToBytes(), valid);
                    MustParse(request.CreateAckFor(busy).ToBytes(), valid);
                }
            }
        }),
    ];

    private static void ReadNameAddress(NameAddress? address)
    {
        if (address is null)
        {
            return;
        }

        _ = (address.DisplayName, address.Tag, address.Parameters.Count);
        ReadUri(address.Uri);
        SameText(address.ToString(), NameAddress.Parse);
    }

    private static void ReadUri(AbsoluteUri uri)
    {
        if (uri is SipUri sip)
        {
            _ = (sip.User, sip.Password, sip.HostPort, sip.Transport, sip.Maddr, sip.UserParameter, sip.IsLooseRouter, sip.Headers.Count);
        }
        else if (uri is TelUri tel)
        {
            _ = (tel.Digits, tel.IsGlobal, tel.PhoneContext);
        }

        SameText(uri.ToString(), AbsoluteUri.Parse);
    }

    private static void ReadAuthorizations(IReadOnlyList<AuthorizationHeader> headers)
    {
        foreach (AuthorizationHeader h in headers)
        {
            _ = (h.IsDigest, h.Username, h.Realm, h.Nonce, h.Uri, h.Response, h.Algorithm, h.Cnonce, h.Opaque, h.Qop, h.NonceCount);
            SameText(h.ToString(), AuthorizationHeader.Parse);
        }
    }

    private static void ReadChallenges(IReadOnlyList<AuthenticateHeader> headers)
    {
        foreach (AuthenticateHeader h in headers)
        {
            _ = (h.IsDigest, h.Realm, h.Nonce, h.Opaque, h.Domain, h.Algorithm, h.Stale);
            SameText(h.ToString(), AuthenticateHeader.Parse);
        }
    }

    /// <summary>A view's text parses again to a view with the same text.</summary>
    private static bool SameText<T>(string text, Func<string, T> parse)
        where T : notnull
    {
        string again;
        try
        {
            again = parse(text).ToString()!;
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"the view's text '{text}' does not parse again: {e.Message}", e);
        }

        return again == text ? true : throw new InvalidOperationException($"the view's text '{text}' parses again as '{again}'");
    }

    private static void MustParse(byte[] bytes, bool validate)
    {
        SipParseResult result = SipMessageParser.Parse(bytes);
        if (!result.Succeeded || (validate && result.Message.Validate() is not null))
        {
            throw new InvalidOperationException($"a message built from it is refused: {result.Error ?? result.Message!.Validate()}");
        }
    }
}

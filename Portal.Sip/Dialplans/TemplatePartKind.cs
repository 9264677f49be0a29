namespace Portal.Sip.Dialplans;

/// <summary>What a piece of a dialplan string stands for: written text, or a value of the call (DESIGN §6).</summary>
internal enum TemplatePartKind
{
    Literal,

    /// <summary><c>#{req.URI.User}</c>, <c>${dst}</c>, <c>${exten}</c>.</summary>
    DialledUser,

    /// <summary><c>#{req.URI.Host}</c>.</summary>
    DialledHost,

    /// <summary><c>#{req.Header.From.FromURI.User}</c>.</summary>
    FromUser,

    /// <summary><c>#{req.Header.CallId}</c>.</summary>
    CallId,

    /// <summary><c>#{sys.Username}</c>: the dialplan's owner.</summary>
    OwnerUserName,

    /// <summary><c>#{sys.CallNumber}</c>.</summary>
    CallNumber,

    /// <summary><c>$1</c>…<c>$9</c> (or <c>#{$1}</c>): a capture group of the matched regex.</summary>
    Group,
}

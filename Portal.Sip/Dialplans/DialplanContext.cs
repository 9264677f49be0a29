namespace Portal.Sip.Dialplans;

/// <summary>
/// The facts about one call that a dialplan may read (DESIGN §6): what was dialled, who is calling, whose
/// dialplan it is, and how dial-string hosts route for that owner.
/// </summary>
/// <param name="DialledUser"><c>req.URI.User</c>, <c>${dst}</c>, <c>${exten}</c>: the user part the rules match on.</param>
/// <param name="DialledHost"><c>req.URI.Host</c>.</param>
/// <param name="FromUser"><c>req.Header.From.FromURI.User</c>: the caller (for a blind transfer, the party being transferred).</param>
/// <param name="CallId"><c>req.Header.CallId</c>.</param>
/// <param name="OwnerUserName"><c>sys.Username</c>: the portal user who owns the dialplan.</param>
/// <param name="CallNumber"><c>sys.CallNumber</c>: a short number unique to this call.</param>
/// <param name="Routes">The owner's provider names and the hosted domains, which decide each dialled leg's route.</param>
public sealed record DialplanContext(
    string DialledUser,
    string DialledHost,
    string FromUser,
    string CallId,
    string OwnerUserName,
    long CallNumber,
    DialStringContext Routes);

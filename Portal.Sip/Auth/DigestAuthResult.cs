using Portal.Sip.Messages;

namespace Portal.Sip.Auth;

/// <summary>
/// The outcome of checking a request's credentials: the account, or the response to send instead
/// (a challenge, or 403).
/// </summary>
public sealed record DigestAuthResult(SipAccountCredentials? Account, SipResponse? Response)
{
    public bool IsAuthenticated => Account is not null && Response is null;
}

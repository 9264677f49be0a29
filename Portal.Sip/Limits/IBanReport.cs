namespace Portal.Sip.Limits;

/// <summary>
/// Hears every ban as it starts (DESIGN §10: refusals are logged, and the operator's audit log shows bans), so the
/// portal can audit it. Called on the SIP receive path, at most once per address or name and window: hand the work
/// off and return at once.
/// </summary>
public interface IBanReport
{
    void BanStarted(SipBan ban);
}

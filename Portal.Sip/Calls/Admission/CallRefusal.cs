namespace Portal.Sip.Calls.Admission;

/// <summary>
/// Something the call layer refused that concerns a user's calls (DESIGN §10: audited): a call past a velocity
/// limit, a REFER a party may not send, a call claiming to come from one of the user's providers. Reported at most once per subject and window.
/// </summary>
/// <param name="Action">What was refused, for the audit log: <see cref="CallLimitReached"/>, <see cref="ReferRefused"/> or <see cref="ProviderCallRefused"/>.</param>
/// <param name="OwnerId">The user whose calls it concerns.</param>
/// <param name="OwnerUserName">That user's name.</param>
/// <param name="Actor">Who asked: <c>sip:&lt;account&gt;</c> for an authenticated account, else <c>REFER</c> or <c>anonymous</c>.</param>
/// <param name="Target">What it was about: the call (<c>call 17</c>) or the dialled address.</param>
/// <param name="Detail">Why it was refused, for people.</param>
/// <param name="Source">The address the request came from.</param>
public sealed record CallRefusal(string Action, string OwnerId, string OwnerUserName, string Actor, string Target, string Detail, string? Source)
{
    /// <summary>A call past the owner's hourly or daily call limit.</summary>
    public const string CallLimitReached = "call.limit";

    /// <summary>A REFER that was not honoured.</summary>
    public const string ReferRefused = "refer.refused";

    /// <summary>A call to a provider's registration token that did not come from the provider.</summary>
    public const string ProviderCallRefused = "provider.call-refused";
}

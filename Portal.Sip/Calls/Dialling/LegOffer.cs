using Portal.Sip.Messages;

namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// What a placed leg's INVITE carries from the party it is placed for: that party's identity for the From header,
/// the Max-Forwards budget, and its session description (under the new leg's origin once sent). For a new call
/// it comes from the caller's INVITE; for a blind transfer, from the party that stays in the call.
/// </summary>
internal sealed record LegOffer(
    string? FromUser,
    string? FromDisplayName,
    int MaxForwards,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, string>> BodyHeaders)
{
    public static LegOffer From(SipRequest invite) =>
        new(invite.From?.SipUri?.User, invite.From?.DisplayName, invite.MaxForwards ?? 70, invite.Body, CallLeg.BodyHeaders(invite));
}

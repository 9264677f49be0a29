using Portal.Sip.Auth;
using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;

namespace Portal.Sip.Calls;

/// <summary>
/// The leg towards the caller: this service is the UAS of the caller's INVITE. Its dialog is made up front with
/// our To tag (RFC 3261 §12.1.1), which every provisional and final response carries.
/// </summary>
internal sealed class CallerLeg : CallLeg
{
    public CallerLeg(Call call, CallEnvironment environment, InviteServerTransaction invite)
        : base(call, environment, CallLegRole.Caller, invite.Request.CallId ?? "", invite.Remote, invite.Request.Uri.ToString(),
            invite.Request.From?.SipUri?.User, (invite.Request.Uri as SipUri)?.User)
    {
        Invite = invite;
        LocalTag = SipTags.NewTag();
        Dialog = SipDialog.CreateUas(invite.Request, LocalTag, environment.Addresses.ContactFor(invite.Remote), invite.Remote);
        RememberPeerSession(invite.Request);
    }

    public InviteServerTransaction Invite { get; }

    public string LocalTag { get; }

    /// <summary>Relays a callee's 180/183 (with its SDP, under our origin) to the caller (DESIGN §5).</summary>
    public ValueTask SendProvisionalAsync(SipResponse fromCallee) =>
        Invite.SendResponseAsync(Respond(fromCallee.StatusCode, fromCallee.ReasonPhrase, fromCallee));

    /// <summary>Answers the caller with the callee's 2xx and its SDP, retransmitted until the caller's ACK (§13.3.1.4).</summary>
    public ValueTask AnswerAsync(SipResponse fromCallee, Action onNoAck)
    {
        AnswerRetransmission answer = new(Invite, Respond(SipStatusCodes.Ok, fromCallee.ReasonPhrase, fromCallee), Environment.Layer, onNoAck);
        Answer = answer;
        return answer.StartAsync();
    }

    /// <summary>A final failure for the caller's INVITE; the transaction retransmits it until the ACK (§17.2.1).</summary>
    public ValueTask RejectAsync(int status, string reason) => Invite.SendResponseAsync(Respond(status, reason, null));

    private SipResponse Respond(int status, string? reason, SipResponse? source)
    {
        SipResponse response = Invite.Request.CreateResponse(status, reason, LocalTag);
        if (status is > 100 and < 300)
        {
            // §12.1.1: a response that makes a dialog copies the request's Record-Route and carries our Contact.
            foreach (string recordRoute in Invite.Request.Headers.GetAll(SipHeaderNames.RecordRoute))
            {
                response.Headers.Add(SipHeaderNames.RecordRoute, recordRoute);
            }

            response.Headers.Add(SipHeaderNames.Contact, new NameAddress(Dialog!.LocalContact).ToString());
        }

        if (status is >= 200 and < 300)
        {
            response.Headers.Add(SipHeaderNames.Allow, string.Join(", ", CallManager.AllowedInDialog));
        }

        if (source is not null && !source.Body.IsEmpty)
        {
            List<KeyValuePair<string, string>> headers = BodyHeaders(source);
            foreach ((string name, string value) in headers)
            {
                response.Headers.Add(name, value);
            }

            response.Body = RewriteBody(source.Body, source.Headers.GetFirst(SipHeaderNames.ContentType));
        }

        return response;
    }
}

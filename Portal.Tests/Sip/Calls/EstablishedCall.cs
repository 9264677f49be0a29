using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Calls;

/// <summary>An answered call in a <see cref="CallBench"/>: both INVITEs, both 2xx, and where the callee is.</summary>
internal sealed record EstablishedCall(SipRequest CallerInvite, SipResponse CallerOk, SipRequest CalleeInvite, SipResponse CalleeOk, SipEndPoint Callee)
{
    /// <summary>A request from the caller inside its dialog with the service.</summary>
    public SipRequest FromCaller(string method, uint cseq, string? sdp = null) =>
        CallTestMessages.InDialog(method, CallerOk.Contacts[0].Uri!.ToString(), CallerInvite.Headers.GetFirst("From")!,
            CallerOk.Headers.GetFirst("To")!, CallerInvite.CallId!, cseq, sdp, "<sip:alice@192.0.2.10:5060>");

    /// <summary>A request from the callee inside its dialog with the service.</summary>
    public SipRequest FromCallee(string method, uint cseq, string? sdp = null) =>
        CallTestMessages.InDialog(method, CalleeInvite.Contacts[0].Uri!.ToString(), CalleeOk.Headers.GetFirst("To")!,
            CalleeInvite.Headers.GetFirst("From")!, CalleeInvite.CallId!, cseq, sdp, "<sip:callee@192.0.2.20:5060>");
}

using System.Net;
using System.Text;
using Bunit;
using MudBlazor.Services;
using Portal.Components.Shared;
using Portal.Sip.Tracing;
using Portal.Sip.Transport;

namespace Portal.Tests.Web.Components;

/// <summary>The ladder of a transferred call: caller, service, voice app and transfer target, as sngrep would draw it.</summary>
public sealed class SipLadderTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly IPEndPoint Service = IPEndPoint.Parse("192.0.2.1:5060");
    private static readonly IPEndPoint Phone = IPEndPoint.Parse("192.0.2.10:5062");
    private static readonly IPEndPoint VoiceApp = IPEndPoint.Parse("198.51.100.7:5060");
    private static readonly IPEndPoint Target = IPEndPoint.Parse("203.0.113.9:5060");

    private readonly BunitContext ctx = new();
    private long sequence;

    public SipLadderTests()
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
    }

    public void Dispose() => ctx.Dispose();

    [Fact]
    public void Ladder_DrawsOneColumnPerPartyAndOneArrowPerMessageInOrder()
    {
        var cut = ctx.Render<SipLadder>(p => p.Add(l => l.Trace, TransferredCall()));

        Assert.Equal(["caller", "service", "callee", "transfer"], cut.FindAll("g.ladder-column").Select(c => c.GetAttribute("data-role")));
        Assert.Contains("192.0.2.10:5062", cut.FindAll("g.ladder-column")[0].TextContent);
        Assert.Contains("sip:app@voice.example.com", cut.FindAll("g.ladder-column")[2].TextContent);
        Assert.Equal(["INVITE", "200 OK", "INVITE", "200 OK", "INVITE", "200 OK", "ACK", "BYE", "INVITE", "200 OK"],
            cut.FindAll("g.ladder-message").Select(m => m.GetAttribute("data-summary")));
        Assert.Contains("Transfer to 5551234 asked by key:ab12", cut.Find("g.ladder-note").TextContent);
        Assert.Contains("200 OK (INVITE)", cut.FindAll("g.ladder-message")[1].TextContent);
    }

    [Fact]
    public void Ladder_ArrowsRunBetweenTheServiceAndTheLegsParty()
    {
        var cut = ctx.Render<SipLadder>(p => p.Add(l => l.Trace, TransferredCall()));
        var arrows = cut.FindAll("g.ladder-message line");

        // The caller's INVITE comes in from the left; the BYE to the voice app goes from the service to its column.
        Assert.True(double.Parse(arrows[0].GetAttribute("x1")!) < double.Parse(arrows[0].GetAttribute("x2")!));
        var bye = arrows[7];
        Assert.Equal(arrows[2].GetAttribute("x2"), bye.GetAttribute("x2"));
        Assert.True(double.Parse(bye.GetAttribute("x1")!) < double.Parse(bye.GetAttribute("x2")!));
        var reinvite = arrows[8];
        Assert.Equal(arrows[0].GetAttribute("x1"), reinvite.GetAttribute("x2"));
    }

    [Fact]
    public void ClickingAnArrow_ShowsTheWholeMessage()
    {
        var cut = ctx.Render<SipLadder>(p => p.Add(l => l.Trace, TransferredCall()));
        Assert.Empty(cut.FindAll("#ladder-message-text"));

        cut.FindAll("g.ladder-message")[7].Click();

        var text = cut.Find("#ladder-message-text").TextContent;
        Assert.StartsWith("BYE sip:app@198.51.100.7:5060 SIP/2.0", text);
        Assert.Contains("Call-ID: voice-app-leg", text);
        Assert.Contains("192.0.2.1:5060 → 198.51.100.7:5060", cut.Find("#ladder-selected").TextContent);
    }

    [Fact]
    public void Ladder_RedrawnWithMoreMessages_KeepsTheSelectionAndAddsTheArrow()
    {
        var call = TransferredCall();
        var cut = ctx.Render<SipLadder>(p => p.Add(l => l.Trace, call));
        cut.FindAll("g.ladder-message")[0].Click();

        var bye = Message(SipTraceDirection.Received, Phone, "caller-leg", "BYE sip:portal@192.0.2.1 SIP/2.0", "3 BYE");
        cut.Render(p => p.Add(l => l.Trace, call with { Messages = [.. call.Messages, bye] }));

        Assert.Equal("BYE", cut.FindAll("g.ladder-message")[^1].GetAttribute("data-summary"));
        Assert.StartsWith("INVITE sip:232@sip.example.test", cut.Find("#ladder-message-text").TextContent);
    }

    private CallTraceView TransferredCall()
    {
        List<SipTraceMessage> messages =
        [
            Message(SipTraceDirection.Received, Phone, "caller-leg", "INVITE sip:232@sip.example.test SIP/2.0", "1 INVITE"),
            Message(SipTraceDirection.Sent, Phone, "caller-leg", "SIP/2.0 200 OK", "1 INVITE"),
            Message(SipTraceDirection.Sent, VoiceApp, "voice-app-leg", "INVITE sip:app@voice.example.com SIP/2.0", "1 INVITE"),
            Message(SipTraceDirection.Received, VoiceApp, "voice-app-leg", "SIP/2.0 200 OK", "1 INVITE"),
        ];
        var note = new CallTraceNote(++sequence, Start.AddSeconds(sequence), "Transfer to 5551234 asked by key:ab12");
        messages.AddRange(
        [
            Message(SipTraceDirection.Sent, Target, "target-leg", "INVITE sip:5551234@203.0.113.9 SIP/2.0", "1 INVITE"),
            Message(SipTraceDirection.Received, Target, "target-leg", "SIP/2.0 200 OK", "1 INVITE"),
            Message(SipTraceDirection.Sent, Target, "target-leg", "ACK sip:5551234@203.0.113.9 SIP/2.0", "1 ACK"),
            Message(SipTraceDirection.Sent, VoiceApp, "voice-app-leg", "BYE sip:app@198.51.100.7:5060 SIP/2.0", "2 BYE"),
            Message(SipTraceDirection.Sent, Phone, "caller-leg", "INVITE sip:alice@192.0.2.10:5062 SIP/2.0", "2 INVITE"),
            Message(SipTraceDirection.Received, Phone, "caller-leg", "SIP/2.0 200 OK", "2 INVITE"),
        ]);
        return new CallTraceView("call-1", "owner-a", Start, null,
            [
                new CallTraceLeg("caller-leg", "caller", "sip:alice@sip.example.test"),
                new CallTraceLeg("voice-app-leg", "callee", "sip:app@voice.example.com"),
                new CallTraceLeg("target-leg", "transfer", "sip:5551234@203.0.113.9"),
            ],
            messages, [note], 0);
    }

    private SipTraceMessage Message(SipTraceDirection direction, IPEndPoint peer, string callId, string firstLine, string cseq)
    {
        var text = $"{firstLine}\r\nVia: SIP/2.0/UDP {peer};branch=z9hG4bK{sequence}\r\nCall-ID: {callId}\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n";
        sequence++;
        return new SipTraceMessage(sequence, Start.AddSeconds(sequence), direction, SipTransportProtocol.Udp, Service, peer, callId,
            Encoding.UTF8.GetBytes(text));
    }
}

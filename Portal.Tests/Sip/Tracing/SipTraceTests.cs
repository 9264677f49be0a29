using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Tracing;
using static Portal.Tests.Sip.Tracing.TraceMessages;

namespace Portal.Tests.Sip.Tracing;

public sealed class SipTraceTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Begin_ClaimsTheChallengeAndRetryThatCameBeforeTheCall_InOrder()
    {
        var trace = new SipTrace(new SipTraceOptions(), time);
        Receive(trace, Invite("c1"));
        Send(trace, Response("407 Proxy Authentication Required", "c1", "1 INVITE"));
        Receive(trace, Invite("c1", authorization: "Proxy-Authorization: Digest username=\"alice\", response=\"0123\""));

        var call = trace.Begin("call-1", "owner-a", new CallTraceLeg("c1", "caller", "sip:alice@sip.example.test"));
        Send(trace, Response("100 Trying", "c1", "1 INVITE"));

        var view = call.View()!;
        Assert.Equal(["INVITE", "407 Proxy Authentication Required", "INVITE", "100 Trying"], view.Messages.Select(m => m.Summary));
        Assert.Equal([SipTraceDirection.Received, SipTraceDirection.Sent, SipTraceDirection.Received, SipTraceDirection.Sent],
            view.Messages.Select(m => m.Direction));
        Assert.Equal("owner-a", view.OwnerId);
        Assert.Same(call, trace.FindBySipCallId("c1"));
    }

    [Fact]
    public void Record_MessagesOfNoCall_AreNotKept()
    {
        var trace = new SipTrace(new SipTraceOptions(), time);

        Receive(trace, Response("200 OK", "register-1", "1 REGISTER"));
        Receive(trace, Bye("stray"));

        Assert.Equal(0, trace.Bytes);
        Assert.Null(trace.FindBySipCallId("register-1"));
    }

    [Fact]
    public void Record_PlacedLeg_IsKeptOnceLinked_WithTheCallersInOneOrder()
    {
        var trace = new SipTrace(new SipTraceOptions(), time);
        Receive(trace, Invite("caller-leg"));
        var call = trace.Begin("call-1", "owner-a", new CallTraceLeg("caller-leg", "caller", "alice"));

        trace.Link(call, new CallTraceLeg("callee-leg", "callee", "sip:app@voice.example.com"));
        Send(trace, Invite("callee-leg"));
        Receive(trace, Response("200 OK", "callee-leg", "1 INVITE"));
        Send(trace, Response("200 OK", "caller-leg", "1 INVITE"));

        var view = call.View()!;
        Assert.Equal(["caller-leg", "callee-leg", "callee-leg", "caller-leg"], view.Messages.Select(m => m.CallId));
        Assert.Equal(["caller", "callee"], view.Legs.Select(l => l.Role));
    }

    [Fact]
    public void Record_Authorization_IsMaskedInWhatIsKept()
    {
        var trace = new SipTrace(new SipTraceOptions(), time);
        Receive(trace, Invite("c1", authorization:
            "Proxy-Authorization: Digest username=\"alice\", realm=\"sip.example.test\", nonce=\"n1\", uri=\"sip:232@sip.example.test\", response=\"6629fae49393a05397450978507c4ef1\", cnonce=\"c\", nc=00000001, qop=auth"));
        var call = trace.Begin("call-1", "owner-a", new CallTraceLeg("c1", "caller", "alice"));

        var text = call.View()!.Messages.Single().Text;
        Assert.DoesNotContain("6629fae49393a05397450978507c4ef1", text);
        Assert.Contains("response=\"********\"", text);
        Assert.Contains("username=\"alice\"", text);
        Assert.Contains("cnonce=\"c\"", text);
    }

    [Fact]
    public void Find_EndedCall_IsKeptForTheKeepTimeThenForgotten()
    {
        var trace = new SipTrace(new SipTraceOptions { KeepMinutes = 60 }, time);
        Receive(trace, Invite("c1"));
        var call = trace.Begin("call-1", "owner-a", new CallTraceLeg("c1", "caller", "alice"));
        trace.End(call);

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(trace.Find("call-1"));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(trace.Find("call-1"));
        Assert.Null(trace.FindBySipCallId("c1"));
        Assert.Equal(0, trace.Bytes);
    }

    [Fact]
    public void Find_CallInProgress_IsNeverExpired()
    {
        var trace = new SipTrace(new SipTraceOptions { KeepMinutes = 1 }, time);
        Receive(trace, Invite("c1"));
        trace.Begin("call-1", "owner-a", new CallTraceLeg("c1", "caller", "alice"));

        time.Advance(TimeSpan.FromHours(5));

        Assert.NotNull(trace.Find("call-1"));
    }

    [Fact]
    public void Record_OverTheMemoryCap_ForgetsTheCallsThatEndedFirst()
    {
        var trace = new SipTrace(new SipTraceOptions { MaxMegabytes = 1 }, time);
        for (var i = 0; i < 30; i++)
        {
            Receive(trace, Invite($"c{i}", padding: 60_000));
            trace.End(trace.Begin($"call-{i}", "owner-a", new CallTraceLeg($"c{i}", "caller", "alice")));
        }

        Assert.True(trace.Bytes <= 1024 * 1024, $"{trace.Bytes} bytes kept");
        Assert.Null(trace.Find("call-0"));
        Assert.Single(trace.Find("call-29")!.View()!.Messages);
    }

    [Fact]
    public void Record_OverTheMemoryCapWithOnlyCallsInProgress_LeavesNewMessagesOutAndSaysSo()
    {
        var trace = new SipTrace(new SipTraceOptions { MaxMegabytes = 1 }, time);
        Receive(trace, Invite("c1"));
        var call = trace.Begin("call-1", "owner-a", new CallTraceLeg("c1", "caller", "alice"));

        for (var i = 0; i < 20; i++)
        {
            Receive(trace, Invite("c1", toTag: "t2", padding: 60_000));
        }

        var view = call.View()!;
        Assert.InRange(view.Messages.Count, 10, 18);
        Assert.Equal(21 - view.Messages.Count, view.Omitted);
        Assert.True(trace.Bytes <= 1024 * 1024, $"{trace.Bytes} bytes kept");
    }

    [Fact]
    public void Record_PastTheMessagesOfOneCall_KeepsItsSetupAndItsLatest()
    {
        var trace = new SipTrace(new SipTraceOptions(), time);
        Receive(trace, Invite("c1"));
        var call = trace.Begin("call-1", "owner-a", new CallTraceLeg("c1", "caller", "alice"));

        for (var i = 0; i < SipTrace.MaxMessagesPerCall + 50; i++)
        {
            Receive(trace, Bye("c1"));
        }

        Send(trace, Response("200 OK", "c1", "2 BYE"));

        var view = call.View()!;
        Assert.Equal(SipTrace.MaxMessagesPerCall, view.Messages.Count);
        Assert.Equal("INVITE", view.Messages[0].Summary);
        Assert.Equal("200 OK", view.Messages[^1].Summary);
        Assert.Equal(52, view.Omitted);
    }

    [Fact]
    public void Begin_UnclaimedInvites_AreBoundedByTheirTable()
    {
        var trace = new SipTrace(new SipTraceOptions(), time);
        for (var i = 0; i < SipTrace.UnclaimedCapacity + 10; i++)
        {
            Receive(trace, Invite($"flood-{i}"));
        }

        var oneInvite = Encoding.UTF8.GetByteCount(Invite("flood-0"));
        Assert.True(trace.Bytes <= SipTrace.UnclaimedCapacity * (oneInvite + 8), $"{trace.Bytes} bytes kept");

        // The oldest made room: a call that now claims its Call-ID starts with nothing from before.
        var call = trace.Begin("call-1", "owner-a", new CallTraceLeg("flood-0", "caller", "alice"));
        Assert.Empty(call.View()!.Messages);
    }

    [Fact]
    public void Subscribe_IsToldOfEachNewMessage_UntilDisposed()
    {
        var trace = new SipTrace(new SipTraceOptions(), time);
        Receive(trace, Invite("c1"));
        var call = trace.Begin("call-1", "owner-a", new CallTraceLeg("c1", "caller", "alice"));
        var told = 0;
        var subscription = call.Subscribe(() => told++);

        Receive(trace, Bye("c1"));
        subscription.Dispose();
        Send(trace, Response("200 OK", "c1", "2 BYE"));

        Assert.Equal(1, told);
    }

    private static void Receive(SipTrace trace, string text) =>
        trace.Received(Parse(text), Encoding.UTF8.GetBytes(text), Phone, Service);

    private static void Send(SipTrace trace, string text) =>
        trace.Sent(Parse(text), Encoding.UTF8.GetBytes(text), Phone, Service);
}

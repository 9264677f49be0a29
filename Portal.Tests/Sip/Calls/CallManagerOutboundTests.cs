using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls;
using Portal.Sip.Messages;
using Portal.Tests.Sip.Auth;
using Portal.Tests.Sip.Transactions;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>Calls out through an account's dialplan (DESIGN §5 call routing and B2BUA).</summary>
public sealed class CallManagerOutboundTests
{
    private readonly CallBench bench = new();

    [Fact]
    public async Task Invite_WithoutCredentials_IsChallengedWith407()
    {
        await bench.ReceiveAsync(Invite("232"), Phone);

        var (challenge, _) = await bench.Sender.WaitForResponseAsync(407);
        Assert.Equal(CallBench.Realm, Assert.Single(challenge.ProxyAuthenticate).Realm);
        Assert.Equal(0, bench.Calls.Count);
    }

    [Fact]
    public async Task AuthenticatedInvite_RunsTheOutDialplan_AndPlacesALegOfItsOwn()
    {
        bench.Dialplans.Set("owner-1", "default", "when /^232$/ then sys.Dial(\"app@192.0.2.20:5080[fu=xfer-#{sys.CallNumber},fd=Transfer]\")");

        await bench.CallAsAliceAsync("232");
        var (placed, callee) = await bench.PlacedInviteAsync();

        Assert.Equal("udp:192.0.2.20:5080", callee.ToString());
        Assert.Equal("sip:app@192.0.2.20:5080", placed.Uri.ToString());
        Assert.Equal(("xfer-1", "Transfer", CallBench.Realm), (placed.From!.SipUri!.User, placed.From.DisplayName, placed.From.SipUri.Host));
        Assert.NotEqual("a-leg-1", placed.CallId);
        Assert.NotEqual("caller1", placed.From.Tag);
        Assert.Equal(69, placed.MaxForwards);
        var body = Text(placed.Body);
        Assert.Contains("m=audio 4000 RTP/AVP 0", body);
        Assert.Matches(@"o=- \d+ \d+ IN IP4 192\.0\.2\.1\r\n", body);
        var call = Assert.Single(bench.Calls.GetCalls());
        Assert.Equal((1L, "owner-1", CallDirection.Outbound, "default"), (call.Number, call.OwnerId, call.Direction, call.DialplanName));
        Assert.Equal(["a-leg-1", placed.CallId], call.Legs.Select(l => l.CallId));
        Assert.Equal("xfer-1", call.Legs[1].FromUser);
    }

    [Fact]
    public async Task CalleeRingsWithSdpThenAnswers_TheCallerGetsBothWithTheCalleesMediaUnderOneOrigin()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20\")");
        var invite = await bench.CallAsAliceAsync("232");
        var (placed, callee) = await bench.PlacedInviteAsync();

        await bench.ReceiveAsync(Respond(placed, 183, sdp: CalleeSdp), callee);
        var (progress, _) = await bench.Sender.WaitForResponseAsync(183, "a-leg-1");
        await bench.ReceiveAsync(Respond(placed, 200, sdp: CalleeSdp), callee);
        var (ok, _) = await bench.Sender.WaitForResponseAsync(200, "a-leg-1");

        Assert.Contains("m=audio 5000", Text(progress.Body));
        var origin = Text(ok.Body).Split("\r\n")[1];
        Assert.StartsWith("o=- ", origin);
        Assert.Equal(origin, Text(progress.Body).Split("\r\n")[1]);
        Assert.Equal(progress.To!.Tag, ok.To!.Tag);
        Assert.Equal("sip:192.0.2.1:5060", ok.Contacts[0].Uri!.ToString());
        await bench.Sender.WaitForRequestAsync("ACK", callId: placed.CallId);
        await bench.ReceiveAsync(AckFor(invite, ok), Phone);
        Assert.Equal(CallState.Answered, bench.Calls.GetCalls().Single().State);
        Assert.Equal(["started", "answered"], await bench.Records.WaitForEntriesAsync(2));
        Assert.Equal([CallEventKind.Started, CallEventKind.LegChanged, CallEventKind.Ringing, CallEventKind.Answered], bench.EventKinds());
    }

    [Fact]
    public async Task CallerInviteWithoutSdp_TheCalleesOfferReachesTheCaller_AndTheAnswerRidesOnTheAck()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20\")");
        var invite = await bench.CallAsAliceAsync("232", sdp: null);
        var (placed, callee) = await bench.PlacedInviteAsync();
        Assert.True(placed.Body.IsEmpty);

        await bench.ReceiveAsync(Respond(placed, 200, sdp: CalleeSdp), callee);
        var (ok, _) = await bench.Sender.WaitForResponseAsync(200, "a-leg-1");
        Assert.Contains("m=audio 5000", Text(ok.Body));
        Assert.DoesNotContain(bench.Sender.Sent, s => s.Message is SipRequest { Method.Name: "ACK" } r && r.CallId == placed.CallId);
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(AckFor(invite, ok, CallerSdp), Phone);

        var (ack, _) = await bench.Sender.WaitForRequestAsync("ACK", mark, placed.CallId);
        Assert.Contains("m=audio 4000", Text(ack.Body));
        Assert.StartsWith("o=- ", Text(ack.Body).Split("\r\n")[1]);
        Assert.Equal("application/sdp", ack.ContentType!.MediaType);
    }

    [Fact]
    public async Task CalleeBusy_TheCallerGetsThe486()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20\")");
        await bench.CallAsAliceAsync("232");
        var (placed, callee) = await bench.PlacedInviteAsync();

        await bench.ReceiveAsync(Respond(placed, 486), callee);

        var (busy, _) = await bench.Sender.WaitForResponseAsync(486, "a-leg-1");
        Assert.Equal("Busy Here", busy.ReasonPhrase);
        Assert.Equal((CallEndStatus.Failed, "486 Busy Here"), ((await bench.Records.Ended).Status, (await bench.Records.Ended).Reason));
        await bench.Sender.WaitForRequestAsync("ACK", callId: placed.CallId);
        Assert.Equal(0, bench.Calls.Count);
    }

    [Fact]
    public async Task FailedDial_MovesOnToTheNextAction()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20\"); sys.Log(\"busy\"); sys.Respond(503, \"Nobody home\")");
        await bench.CallAsAliceAsync("232");
        var (placed, callee) = await bench.PlacedInviteAsync();

        await bench.ReceiveAsync(Respond(placed, 486), callee);

        var (refused, _) = await bench.Sender.WaitForResponseAsync(503, "a-leg-1");
        Assert.Equal("Nobody home", refused.ReasonPhrase);
    }

    [Fact]
    public async Task NoRuleMatches_TheCallerGets404()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20\")");
        await bench.CallAsAliceAsync("999");

        await bench.Sender.WaitForResponseAsync(404, "a-leg-1");
        Assert.Equal(0, bench.Calls.Count);
    }

    [Fact]
    public async Task RingTimeout_TheLegIsCancelled_AndTheCallerGets480()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20[rt=5]\")");
        await bench.CallAsAliceAsync("232");
        var (placed, callee) = await bench.PlacedInviteAsync();
        await bench.ReceiveAsync(Respond(placed, 180), callee);
        await bench.Sender.WaitForResponseAsync(180, "a-leg-1");
        var mark = bench.Sender.Count;

        bench.Time.Advance(TimeSpan.FromSeconds(5));

        var (cancel, _) = await bench.Sender.WaitForRequestAsync("CANCEL", mark, placed.CallId);
        await bench.ReceiveAsync(TransactionTestMessages.ResponseTo(cancel, 200, "callee1"), callee);
        await bench.ReceiveAsync(Respond(placed, 487), callee);
        await bench.Sender.WaitForResponseAsync(480, "a-leg-1");
        Assert.Equal("480 Temporarily Unavailable", (await bench.Records.Ended).Reason);
    }

    [Fact]
    public async Task CallerCancels_TheCalleeIsCancelled_AndTheCallerGets487()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20\")");
        var invite = await bench.CallAsAliceAsync("232");
        var (placed, callee) = await bench.PlacedInviteAsync();
        await bench.ReceiveAsync(Respond(placed, 180), callee);
        await bench.Sender.WaitForResponseAsync(180, "a-leg-1");

        await bench.ReceiveAsync(TransactionTestMessages.Reparse(invite.CreateCancel()), Phone);

        var (cancel, _) = await bench.Sender.WaitForRequestAsync("CANCEL", callId: placed.CallId);
        await bench.ReceiveAsync(TransactionTestMessages.ResponseTo(cancel, 200, "callee1"), callee);
        await bench.ReceiveAsync(Respond(placed, 487), callee);
        await bench.Sender.WaitForResponseAsync(487, "a-leg-1");
        Assert.Equal((CallEndStatus.Cancelled, "caller cancelled"), ((await bench.Records.Ended).Status, (await bench.Records.Ended).Reason));
        Assert.Equal(0, bench.Calls.Count);
    }

    /// <summary>The service's cap, or the owner's own when an admin set one (higher or lower): the call past it gets 486.</summary>
    [Theory]
    [InlineData(1, null, 1)]
    [InlineData(10, 1, 1)]
    [InlineData(1, 2, 2)]
    public async Task ConcurrentCallCap_TheNextCallOfTheOwnerGets486(int serviceCap, int? ownersCap, int allowed)
    {
        var capped = new CallBench(CallLimits.Default with { MaxConcurrentCallsPerOwner = serviceCap });
        capped.Accounts.Accounts["alice"] = capped.Accounts.Accounts["alice"] with { OwnerMaxConcurrentCalls = ownersCap };
        capped.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"app@192.0.2.20\")");
        for (var n = 1; n <= allowed; n++)
        {
            var mark = capped.Sender.Count;
            await capped.CallAsAliceAsync("232", $"a-leg-{n}");
            await capped.PlacedInviteAsync(mark);
        }

        await capped.CallAsAliceAsync("232", "a-leg-past-the-cap");

        var (busy, _) = await capped.Sender.WaitForResponseAsync(486, "a-leg-past-the-cap");
        Assert.Equal("Busy Here - too many concurrent calls", busy.ReasonPhrase);
        Assert.Equal(allowed, capped.Calls.Count);
    }

    [Fact]
    public async Task EditedDialplan_TakesEffectOnTheNextCall()
    {
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Respond(480, \"Old plan\")");
        await bench.CallAsAliceAsync("232", "a-leg-1");
        await bench.Sender.WaitForResponseAsync(480, "a-leg-1");

        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Respond(486, \"New plan\")");
        await bench.CallAsAliceAsync("232", "a-leg-2");

        var (refused, _) = await bench.Sender.WaitForResponseAsync(486, "a-leg-2");
        Assert.Equal("New plan", refused.ReasonPhrase);
    }

    [Fact]
    public async Task DialplanRunningPastItsTimeCap_TheCallerGets500()
    {
        // Thirty catastrophic regexes: the first one spends the whole budget, and the evaluation stops there.
        var rules = string.Join("\n", Enumerable.Repeat("when /^(a+)+$/ then sys.Respond(486, \"never\")", 30));
        bench.Dialplans.Set("owner-1", "default", rules + "\nelse sys.Respond(404, \"No route\")");
        await bench.CallAsAliceAsync("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");

        // The cap runs on the service's clock: keep moving it until the evaluation's deadline has been set and passed.
        // Only once the authenticated INVITE is being handled, or a busy machine would let the nonce expire first.
        using (var started = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (bench.Calls.Count == 0)
            {
                await Task.Delay(10, started.Token);
            }
        }

        var answered = bench.Sender.WaitForResponseAsync(500, "a-leg-1");
        while (!answered.IsCompleted)
        {
            bench.Time.Advance(CallLimits.Default.DialplanRunTime);
            await Task.WhenAny(answered, Task.Delay(20));
        }

        Assert.Equal("Server Internal Error - the dialplan took too long", (await answered).Message.ReasonPhrase);
    }

    [Fact]
    public async Task MissingDialplan_TheCallerGets500SayingSo()
    {
        await bench.CallAsAliceAsync("232");

        var (error, _) = await bench.Sender.WaitForResponseAsync(500, "a-leg-1");
        Assert.Equal("Server Internal Error - the dialplan cannot be used", error.ReasonPhrase);
    }

    [Fact]
    public async Task IncomingOnlyAccount_CallingOut_IsRefused403()
    {
        bench.Accounts.Accounts["alice"] = bench.Accounts.Accounts["alice"] with { IsIncomingOnly = true };

        await bench.CallAsAliceAsync("232");

        var (refused, _) = await bench.Sender.WaitForResponseAsync(403, "a-leg-1");
        Assert.Contains("only receives calls", refused.ReasonPhrase);
    }

    [Fact]
    public async Task ProviderLeg_ChallengedWith407_IsSentAgainWithTheProvidersCredentials()
    {
        bench.Providers.Providers["myprovider"] = new ProviderDialInfo("myprovider", Portal.Sip.Messages.SipUri.Parse("sip:192.0.2.50:5080"),
            "acct1", "pr0vider-secret", "15550001", null);
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"5551234@myprovider\")");
        var mark = bench.Sender.Count;

        await bench.CallAsAliceAsync("232");
        var (first, provider) = await bench.PlacedInviteAsync(mark);
        Assert.Equal("sip:5551234@192.0.2.50:5080", first.Uri.ToString());
        Assert.Equal("15550001", first.From!.SipUri!.User);
        Assert.Equal("192.0.2.50", first.From.SipUri.Host);
        var challenge = CallTestMessages.Respond(first, 407, "prov1");
        challenge.Headers.Add("Proxy-Authenticate", "Digest realm=\"provider.test\", nonce=\"abc\", algorithm=MD5, qop=\"auth\"");
        await bench.ReceiveAsync(challenge, provider);

        var (second, _) = await bench.Sender.WaitForAsync<Portal.Sip.Messages.SipRequest>(
            r => r.Method.Name == "INVITE" && r.CallId == first.CallId && r.CSeq!.Number == 2, mark);
        var credentials = Assert.Single(second.ProxyAuthorizations);
        Assert.Equal("acct1", credentials.Username);
        Assert.Equal(first.From.Tag, second.From!.Tag);
        Assert.NotEqual(first.TopVia!.Branch, second.TopVia!.Branch);
        // The answer is what RFC 2617 gives for the provider's password, computed here independently.
        Assert.Equal(TestDigestClient.Response("MD5", "acct1", "provider.test", "pr0vider-secret", "INVITE", second.Uri.ToString(), "abc",
            "auth", credentials.NonceCount!, credentials.Cnonce!), credentials.Response);
    }

    [Fact]
    public async Task ProviderLeg_UnknownProvider_FailsWith404()
    {
        bench.Providers.Names.Add("gone");
        bench.Dialplans.Set("owner-1", "default", "when \"232\" then sys.Dial(\"${dst}@gone\")");

        await bench.CallAsAliceAsync("232");

        var (failed, _) = await bench.Sender.WaitForResponseAsync(404, "a-leg-1");
        Assert.Equal("Not Found - no provider named gone", failed.ReasonPhrase);
    }
}

using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using Portal.Sip.Messages;
using Portal.Sip.Registrar;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>
/// Who may transfer a call with REFER (DESIGN §10): a party that authenticated as one of the owner's SIP
/// accounts — alice's own phone calling out, or the owner's phone rung through <c>local</c> — or anyone in the call
/// when its account lets callers transfer. Everyone else gets 403, nothing is dialled, and the owner's audit log
/// says so.
/// </summary>
public sealed class CallManagerReferPolicyTests
{
    private static readonly string TransferRules = "when /^(\\d+)$/ then sys.Dial(\"$1@192.0.2.30:5090\")";

    [Fact]
    public async Task ReferFromADirectlyDialledParty_Is403_NothingIsDialled_AndTheOwnerSeesItAudited()
    {
        var bench = Bench(new RefusingRateLimit(allow: true));
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(Refer(call.FromCallee("REFER", 2), "<sip:5551234@192.0.2.1>"), call.Callee);

        var (refused, _) = await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 403 && r.CSeq!.Method == SipMethod.Refer, mark);
        Assert.Equal("Forbidden - only the call owner's phones may transfer this call", refused.ReasonPhrase);
        AssertNothingDialled(bench, mark);
        var refusal = Assert.Single(await bench.Records.WaitForRefusalsAsync(1));
        Assert.Equal((CallRefusal.ReferRefused, "owner-1", "call 1", "192.0.2.20"), (refusal.Action, refusal.OwnerId, refusal.Target, refusal.Source));
        Assert.Contains("only the call owner's own phones", refusal.Detail);
        Assert.Equal(CallState.Answered, Assert.Single(bench.Calls.GetCalls()).State);
    }

    [Fact]
    public async Task ReferFromTheFarEnd_WhenTheAccountLetsCallersTransfer_IsHonoured()
    {
        var bench = Bench();
        bench.Accounts.Accounts["alice"] = bench.Accounts.Accounts["alice"] with { CallersMayTransfer = true };
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(Refer(call.FromCallee("REFER", 2), "<sip:5551234@192.0.2.1>"), call.Callee);

        await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 202 && r.CSeq!.Method == SipMethod.Refer, mark);
        var (invite, _) = await bench.PlacedInviteAsync(mark, r => r.Uri.ToString() == "sip:5551234@192.0.2.30:5090");
        Assert.Equal("alice", invite.From!.SipUri!.User);
    }

    [Fact]
    public async Task ReferFromAnAnonymousCaller_ThroughAnInDialplan_Is403_AndNothingIsDialled()
    {
        var bench = Bench();
        bench.Accounts.Accounts["bob"] = bench.Accounts.Accounts["bob"] with { InDialplanName = "in" };
        bench.Dialplans.Set("owner-2", "in", "else sys.Dial(\"desk@192.0.2.20:5080\")");
        var call = await bench.EstablishInboundAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(Refer(call.FromCaller("REFER", 2), "<sip:5551234@192.0.2.1>"), Phone);

        await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 403 && r.CSeq!.Method == SipMethod.Refer, mark);
        AssertNothingDialled(bench, mark);
        Assert.Equal("owner-2", Assert.Single(await bench.Records.WaitForRefusalsAsync(1)).OwnerId);
    }

    [Fact]
    public async Task TheOwnersOwnPhone_RungThroughLocal_MayRefer_TheAnonymousCallerItTalksToMayNot()
    {
        var bench = Bench();
        bench.Bindings.Bindings[2] =
            [new SipBindingRecord("sip:bob@10.0.0.5:5060", "udp:192.0.2.20:40000", "desk", bench.Time.GetUtcNow().UtcDateTime.AddMinutes(5), "r1", 1)];
        var call = await bench.EstablishInboundAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(Refer(call.FromCaller("REFER", 2), "<sip:5551234@192.0.2.1>"), Phone);
        await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 403 && r.CSeq!.Method == SipMethod.Refer, mark);
        AssertNothingDialled(bench, mark);

        await bench.ReceiveAsync(Refer(call.FromCallee("REFER", 2), "<sip:5551234@192.0.2.1>"), call.Callee);

        await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 202 && r.CSeq!.Method == SipMethod.Refer, mark);
        await bench.PlacedInviteAsync(mark, r => r.Uri.ToString() == "sip:5551234@192.0.2.30:5090");
    }

    [Fact]
    public async Task ReferPastTheOwnersTransferRate_Is403_AndNothingIsDialled()
    {
        var limit = new RefusingRateLimit(allow: false);
        var bench = Bench(limit);
        var call = await bench.EstablishAsync();
        var mark = bench.Sender.Count;

        await bench.ReceiveAsync(Refer(call.FromCaller("REFER", 3), "<sip:5551234@192.0.2.1>"), Phone);

        var (refused, _) = await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 403 && r.CSeq!.Method == SipMethod.Refer, mark);
        Assert.Equal("Forbidden - too many transfers for this user, try again in 42 s", refused.ReasonPhrase);
        Assert.Equal(["owner-1"], limit.Asked);
        AssertNothingDialled(bench, mark);
    }

    private static CallBench Bench(ITransferRateLimit? limit = null)
    {
        var bench = new CallBench(transferRateLimit: limit);
        bench.Dialplans.Set("owner-1", "transfer", TransferRules);
        bench.Dialplans.Set("owner-2", "transfer", TransferRules);
        return bench;
    }

    private static SipRequest Refer(SipRequest refer, string referTo)
    {
        refer.Headers.Add("Refer-To", referTo);
        return Portal.Tests.Sip.Transactions.TransactionTestMessages.Reparse(refer);
    }

    private static void AssertNothingDialled(CallBench bench, int mark) =>
        Assert.DoesNotContain(bench.Sender.Sent.Skip(mark), s => s.Message is SipRequest { Method.Name: "INVITE" or "NOTIFY" or "BYE" });

    private sealed class RefusingRateLimit(bool allow) : ITransferRateLimit
    {
        public List<string> Asked { get; } = [];

        public bool TryAcquire(string ownerId, out TimeSpan retryAfter)
        {
            Asked.Add(ownerId);
            retryAfter = allow ? TimeSpan.Zero : TimeSpan.FromSeconds(41.2);
            return allow;
        }
    }
}

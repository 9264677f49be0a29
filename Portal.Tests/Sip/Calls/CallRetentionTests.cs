using System.Reflection;
using System.Runtime.CompilerServices;

using Portal.Sip.Calls;
using Portal.Sip.Messages;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>
/// A call's transactions linger for 64*T1 after it ends, to absorb retransmissions (RFC 3261 §17), and its placed
/// INVITE stays findable for late 2xx (§13.2.2.4); neither may keep the ended call itself alive that long. At 1,000
/// calls a second that kept 32,000 finished calls (legs, dialogs, messages) in memory (issue 11).
/// </summary>
public sealed class CallRetentionTests
{
    private readonly CallBench bench = new();

    [Fact]
    public async Task AnEndedCall_IsNotKeptAlive_ByWhatLingersFor64T1()
    {
        WeakReference call = await EstablishAndHangUpAsync();

        for (int i = 0; i < 3 && call.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(call.IsAlive);
        // The BYE's server transaction still answers a retransmission with its 200 (timer J has not run).
        int mark = bench.Sender.Count;
        await bench.ReceiveAsync(_bye!, Phone);
        await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 200 && r.CSeq!.Method.Name == "BYE", mark);
    }

    private SipRequest? _bye;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference> EstablishAndHangUpAsync()
    {
        var established = await bench.EstablishAsync();
        var calls = (System.Collections.IDictionary)typeof(CallManager)
            .GetField("_calls", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(bench.Calls)!;
        WeakReference call = new(Assert.Single(calls.Values.Cast<object>()));
        int mark = bench.Sender.Count;
        _bye = established.FromCaller("BYE", 3);
        await bench.ReceiveAsync(_bye, Phone);
        await bench.Sender.WaitForAsync<SipResponse>(r => r.StatusCode == 200 && r.CSeq!.Method.Name == "BYE", mark);
        await bench.Records.Ended;
        Assert.Equal(0, bench.Calls.Count);
        return call;
    }
}

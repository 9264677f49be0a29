using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Transfers;

namespace Portal.Sip.Calls.Records;

/// <summary>A sink that keeps no records, for tests and for running the SIP service without a database.</summary>
public sealed class NullCallRecordSink : ICallRecordSink
{
    public static NullCallRecordSink Instance { get; } = new();

    public ValueTask CallStartedAsync(CallSnapshot call) => ValueTask.CompletedTask;

    public ValueTask CallAnsweredAsync(CallSnapshot call) => ValueTask.CompletedTask;

    public ValueTask CallEndedAsync(CallSnapshot call, string status, string reason) => ValueTask.CompletedTask;

    public ValueTask TransferRequestedAsync(CallSnapshot call, TransferSnapshot transfer, string source) => ValueTask.CompletedTask;

    public ValueTask TransferFinishedAsync(CallSnapshot call, TransferSnapshot transfer) => ValueTask.CompletedTask;

    public ValueTask CallRefusedAsync(CallRefusal refusal) => ValueTask.CompletedTask;
}

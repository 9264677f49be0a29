using Microsoft.Extensions.Logging;

namespace Portal.Sip.Calls.Records;

/// <summary>
/// Hands one call's records to the <see cref="ICallRecordSink"/> one after another, in the order they happened,
/// without making the call wait for the database; a failure is logged and the next record still goes.
/// </summary>
internal sealed class CallRecordQueue(ICallRecordSink sink, ILogger logger, long callNumber)
{
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;

    /// <summary>The last record written, for tests and an orderly shutdown.</summary>
    public Task Idle
    {
        get
        {
            lock (_gate)
            {
                return _tail;
            }
        }
    }

    public void Add(CallSnapshot snapshot, Func<ICallRecordSink, CallSnapshot, ValueTask> write)
    {
        lock (_gate)
        {
            _tail = WriteAfterAsync(_tail, snapshot, write);
        }
    }

    private async Task WriteAfterAsync(Task previous, CallSnapshot snapshot, Func<ICallRecordSink, CallSnapshot, ValueTask> write)
    {
        await previous;

        // Never on the caller's thread: that may be the SIP receive path, and a database write can block.
        await Task.Yield();
        try
        {
            await write(sink, snapshot);
        }
        catch (Exception e)
        {
            CallLog.RecordFailed(logger, e, callNumber);
        }
    }
}

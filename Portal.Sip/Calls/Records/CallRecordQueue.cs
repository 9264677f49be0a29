using Microsoft.Extensions.Logging;

namespace Portal.Sip.Calls.Records;

/// <summary>
/// Hands one call's records to the <see cref="ICallRecordSink"/> one after another, in the order they happened,
/// without making the call wait for the database; a failure is logged and the next record still goes.
/// <para>A sink queues its work (<see cref="ICallRecordSink"/>), so a record is handed over on the caller's thread
/// when the one before it is done: no thread hop per record. Only a sink that has not finished with the last record
/// makes the next one wait, in order, off the caller's thread.</para>
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
            if (!_tail.IsCompleted)
            {
                _tail = WriteAfterAsync(_tail, snapshot, write);
                return;
            }

            ValueTask pending;
            try
            {
                pending = write(sink, snapshot);
            }
            catch (Exception e)
            {
                CallLog.RecordFailed(logger, e, callNumber);
                return;
            }

            if (!pending.IsCompletedSuccessfully)
            {
                _tail = ObserveAsync(pending);
            }
        }
    }

    private async Task WriteAfterAsync(Task previous, CallSnapshot snapshot, Func<ICallRecordSink, CallSnapshot, ValueTask> write)
    {
        await previous;
        try
        {
            await write(sink, snapshot);
        }
        catch (Exception e)
        {
            CallLog.RecordFailed(logger, e, callNumber);
        }
    }

    private async Task ObserveAsync(ValueTask pending)
    {
        try
        {
            await pending;
        }
        catch (Exception e)
        {
            CallLog.RecordFailed(logger, e, callNumber);
        }
    }
}

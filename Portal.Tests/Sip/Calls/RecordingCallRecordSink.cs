using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;

namespace Portal.Tests.Sip.Calls;

/// <summary>Keeps the call records it is given, in order, and signals when a call ends.</summary>
internal sealed class RecordingCallRecordSink : ICallRecordSink
{
    private readonly Lock _gate = new();
    private readonly List<string> _entries = [];
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<CallRefusal> _refusals = [];
    private readonly List<string> _transferRequests = [];
    private readonly TaskCompletionSource<(CallSnapshot Call, string Status, string Reason)> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>"started", "answered", "ended Completed: caller hung up", … in the order received.</summary>
    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The first call that ended, with its status and reason.</summary>
    public Task<(CallSnapshot Call, string Status, string Reason)> Ended => _ended.Task.WaitAsync(TimeSpan.FromSeconds(5));

    public ValueTask CallStartedAsync(CallSnapshot call) => Add("started");

    public ValueTask CallAnsweredAsync(CallSnapshot call) => Add("answered");

    public ValueTask CallEndedAsync(CallSnapshot call, string status, string reason)
    {
        Add($"ended {status}: {reason}");
        _ended.TrySetResult((call, status, reason));
        return ValueTask.CompletedTask;
    }

    /// <summary>The REFERs that started a transfer, as "to &lt;destination&gt; from &lt;source&gt;" (apart from <see cref="Entries"/>).</summary>
    public IReadOnlyList<string> TransferRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _transferRequests];
            }
        }
    }

    public ValueTask TransferRequestedAsync(CallSnapshot call, TransferSnapshot transfer, string source)
    {
        lock (_gate)
        {
            _transferRequests.Add($"to {transfer.Destination} from {source}");
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask TransferFinishedAsync(CallSnapshot call, TransferSnapshot transfer) =>
        Add($"transfer {transfer.State}: {transfer.Reason}");

    public ValueTask CallRefusedAsync(CallRefusal refusal)
    {
        lock (_gate)
        {
            _refusals.Add(refusal);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The refusals audited so far, once there are at least <paramref name="count"/> (they are written off the SIP path).</summary>
    public async Task<IReadOnlyList<CallRefusal>> WaitForRefusalsAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            lock (_gate)
            {
                if (_refusals.Count >= count || DateTime.UtcNow > deadline)
                {
                    return [.. _refusals];
                }
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The entries once there are at least <paramref name="count"/> (records are written after the event).</summary>
    public async Task<IReadOnlyList<string>> WaitForEntriesAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            Task added;
            lock (_gate)
            {
                if (_entries.Count >= count)
                {
                    return [.. _entries];
                }

                added = _added.Task;
            }

            await added.WaitAsync(timeout.Token);
        }
    }

    private ValueTask Add(string entry)
    {
        TaskCompletionSource added;
        lock (_gate)
        {
            _entries.Add(entry);
            added = _added;
            _added = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.TrySetResult();
        return ValueTask.CompletedTask;
    }
}

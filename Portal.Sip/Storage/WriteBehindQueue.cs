using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Portal.Sip.Storage;

/// <summary>
/// Writes behind, in batches (group commit): work is queued at once and a single writer hands everything queued
/// so far to <c>writeBatch</c>, one batch after the other. Whatever arrives while a batch commits goes into the
/// next, so under load a hundred changes share one transaction instead of taking a hundred turns. With a
/// <c>linger</c>, the writer waits that long after the first item of a batch before it writes, so that even a light,
/// steady load shares transactions: a transaction (a context, a connection, a commit) costs far more than a row.
/// Nothing waits for the database on the SIP path.
/// <para>What is queued and not yet written is lost if the process dies (the crash window: the linger, the batch in
/// flight and the backlog); <see cref="FlushAsync"/> on a clean stop loses nothing. A batch that fails is logged
/// and dropped; the writer goes on with the next.</para>
/// </summary>
public sealed class WriteBehindQueue<T> : IAsyncDisposable
{
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<T>, Task> _writeBatch;
    private readonly ILogger _logger;
    private readonly int _maxBatch;
    private readonly TimeSpan _linger;
    private readonly string _name;
    private readonly Task _writer;
    private long _backlog;

    /// <param name="name">What is written, for the log: "call records", "registrations".</param>
    /// <param name="writeBatch">Writes one batch, in the order the items were queued.</param>
    /// <param name="logger">Where failed batches are logged.</param>
    /// <param name="maxBatch">The most items one batch takes, so one transaction stays short.</param>
    /// <param name="linger">How long the writer gathers a batch after its first item; zero writes at once.</param>
    public WriteBehindQueue(string name, Func<IReadOnlyList<T>, Task> writeBatch, ILogger logger, int maxBatch = 500, TimeSpan linger = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(linger, TimeSpan.Zero);
        _linger = linger;
        _name = name;
        _writeBatch = writeBatch;
        _logger = logger;
        _maxBatch = maxBatch;
        _writer = Task.Run(WriteAllAsync);
    }

    /// <summary>Items queued and not yet written.</summary>
    public long Backlog => Interlocked.Read(ref _backlog);

    /// <summary>Queues <paramref name="item"/>; false once the queue is closed (the service stopped).</summary>
    public bool Add(T item)
    {
        Interlocked.Increment(ref _backlog);
        if (_queue.Writer.TryWrite(new Entry(item, null)))
        {
            return true;
        }

        Interlocked.Decrement(ref _backlog);
        return false;
    }

    /// <summary>Completes when everything queued before the call has been written (or has failed and been logged).</summary>
    public Task FlushAsync()
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new Entry(default, written)) ? written.Task : _writer;
    }

    /// <summary>Writes what is queued and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WriteAllAsync()
    {
        var batch = new List<T>(_maxBatch);
        var flushes = new List<TaskCompletionSource>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_linger > TimeSpan.Zero)
            {
                await Task.Delay(_linger).ConfigureAwait(false);
            }

            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out Entry entry))
            {
                if (entry.Flushed is { } flushed)
                {
                    flushes.Add(flushed);
                }
                else
                {
                    batch.Add(entry.Item!);
                }
            }

            if (batch.Count > 0)
            {
                try
                {
                    await _writeBatch(batch).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    StorageLog.BatchFailed(_logger, e, _name, batch.Count);
                }

                Interlocked.Add(ref _backlog, -batch.Count);
                batch.Clear();
            }

            foreach (TaskCompletionSource flushed in flushes)
            {
                flushed.TrySetResult();
            }

            flushes.Clear();
        }
    }

    private readonly record struct Entry(T? Item, TaskCompletionSource? Flushed);
}

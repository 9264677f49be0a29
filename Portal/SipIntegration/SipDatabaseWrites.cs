namespace Portal.SipIntegration;

/// <summary>
/// The SIP service's database writes (call records, registrations, provider status) take turns, one at a time.
/// SQLite has a single writer anyway, and its "async" calls block a thread while they wait for the lock: under
/// load, writers queued inside SQLite hold the thread-pool threads the SIP service needs for its timers and
/// messages, and 2xx and INVITE retransmissions start to fly. Waiting here for the turn blocks nothing.
/// </summary>
public sealed class SipDatabaseWrites
{
    private readonly SemaphoreSlim turn = new(1, 1);

    public Task RunAsync(Func<Task> write, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            await write();
            return true;
        }, cancellationToken);

    public async Task<T> RunAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken = default)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            turn.Release();
        }
    }
}

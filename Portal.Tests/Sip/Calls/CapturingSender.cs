using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Calls;

/// <summary>Records what the service sends instead of touching a socket, and lets a test wait for a message to go out.</summary>
internal sealed class CapturingSender : ISipMessageSender
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private readonly List<(SipMessage Message, SipEndPoint Remote)> _sent = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _sent.Count;
            }
        }
    }

    public IReadOnlyList<(SipMessage Message, SipEndPoint Remote)> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public ValueTask SendAsync(SipMessage message, SipEndPoint remote, CancellationToken cancellationToken = default)
    {
        // Sent bytes, parsed again: what the peer would see, and safe from later changes to the object.
        var copy = SipMessageParser.Parse(message.ToBytes());
        Assert.True(copy.Succeeded, copy.Error?.ToString());
        TaskCompletionSource changed;
        lock (_gate)
        {
            _sent.Add((copy.Message!, remote));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return ValueTask.CompletedTask;
    }

    /// <summary>The first message sent at or after index <paramref name="from"/> that matches, waiting up to 5 s for it.</summary>
    public async Task<(T Message, SipEndPoint Remote)> WaitForAsync<T>(Func<T, bool> match, int from = 0)
        where T : SipMessage
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (var i = from; i < _sent.Count; i++)
                {
                    if (_sent[i].Message is T message && match(message))
                    {
                        return (message, _sent[i].Remote);
                    }
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Nothing matching was sent; sent:\n{string.Join("\n---\n", Sent.Skip(from).Select(s => $"to {s.Remote}: {s.Message}"))}");
            }
        }
    }

    public Task<(SipResponse Message, SipEndPoint Remote)> WaitForResponseAsync(int status, string? callId = null, int from = 0) =>
        WaitForAsync<SipResponse>(r => r.StatusCode == status && (callId is null || r.CallId == callId), from);

    public Task<(SipRequest Message, SipEndPoint Remote)> WaitForRequestAsync(string method, int from = 0, string? callId = null) =>
        WaitForAsync<SipRequest>(r => r.Method.Name == method && (callId is null || r.CallId == callId), from);
}

using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transactions;

/// <summary>
/// Records what the transaction layer sends, with the fake clock's time of each send, instead of touching a
/// socket. Sends complete synchronously, so a test sees them as soon as the call or the clock advance returns.
/// </summary>
internal sealed class FakeSipMessageSender(TimeProvider time) : ISipMessageSender
{
    private readonly Lock _gate = new();
    private readonly List<(SipMessage Message, SipEndPoint Remote, TimeSpan At)> _sent = [];
    private readonly DateTimeOffset _start = time.GetUtcNow();

    /// <summary>When set, every send throws it, as a transport that cannot reach the peer does.</summary>
    public Exception? Failure { get; set; }

    public IReadOnlyList<(SipMessage Message, SipEndPoint Remote, TimeSpan At)> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public IReadOnlyList<SipResponse> Responses => [.. Sent.Select(s => s.Message).OfType<SipResponse>()];

    public IReadOnlyList<SipRequest> Requests => [.. Sent.Select(s => s.Message).OfType<SipRequest>()];

    public ValueTask SendAsync(SipMessage message, SipEndPoint remote, CancellationToken cancellationToken = default)
    {
        if (Failure is { } failure)
        {
            throw failure;
        }

        lock (_gate)
        {
            _sent.Add((message, remote, time.GetUtcNow() - _start));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>When each message with this status code (or request method) was sent, in seconds since the start.</summary>
    public IReadOnlyList<double> SendTimes(Func<SipMessage, bool> which) =>
        [.. Sent.Where(s => which(s.Message)).Select(s => s.At.TotalSeconds)];

    public void Clear()
    {
        lock (_gate)
        {
            _sent.Clear();
        }
    }
}

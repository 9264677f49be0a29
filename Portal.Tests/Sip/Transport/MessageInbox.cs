using System.Threading.Channels;

using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transport;

/// <summary>The transport's <c>onMessage</c> for tests: queues what arrives, and waits for it with a timeout.</summary>
internal sealed class MessageInbox
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Channel<(SipMessage Message, SipEndPoint Remote, SipEndPoint Local)> _received =
        Channel.CreateUnbounded<(SipMessage, SipEndPoint, SipEndPoint)>();

    public ValueTask OnMessage(SipMessage message, SipEndPoint remote, SipEndPoint local)
    {
        _received.Writer.TryWrite((message, remote, local));
        return ValueTask.CompletedTask;
    }

    public async Task<(SipMessage Message, SipEndPoint Remote, SipEndPoint Local)> NextAsync() =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async Task<SipRequest> NextRequestAsync() => Assert.IsType<SipRequest>((await NextAsync()).Message);

    public bool TryTake(out SipMessage? message)
    {
        bool taken = _received.Reader.TryRead(out var item);
        message = item.Message;
        return taken;
    }
}

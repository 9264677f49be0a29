using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using Microsoft.Extensions.Logging.Abstractions;

using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Transport;

/// <summary>
/// How long datagrams wait in a socket's receive queue, the wait a caller's retransmission timer sees, is what the
/// overload guard sheds new calls on when the receive loops fall behind (issue 11).
/// </summary>
public sealed class ReceiveWaitTests
{
    [Fact]
    public async Task DatagramsNobodyReads_WaitAsLongAsNothingWasRead_AndAnEmptyQueueWaitsNothing()
    {
        await using UdpChannel channel = UdpChannel.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLogger.Instance);
        using Socket phone = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        long start = Stopwatch.GetTimestamp();
        Assert.Equal(TimeSpan.Zero, channel.MeasureReceiveWait(start));
        Assert.Equal(TimeSpan.Zero, channel.MeasureReceiveWait(start + Stopwatch.Frequency / 20));

        // The channel's receive loops are not started: what arrives stays queued, as when every loop is busy.
        for (int i = 0; i < 40; i++)
        {
            phone.SendTo(new byte[700], channel.LocalEndPoint.EndPoint);
        }

        await WaitUntilAsync(() => channel.QueuedBytes() >= 40 * 700);
        TimeSpan wait = channel.MeasureReceiveWait(start + (Stopwatch.Frequency * 3 / 10))!.Value;

        Assert.Equal(TimeSpan.FromMilliseconds(250), wait);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

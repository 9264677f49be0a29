using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Sends OPTIONS to the service from a chosen local address, one every <c>interval</c>, and counts how many are
/// answered within <c>patience</c>: what a monitoring system or a well-behaved phone sees while someone else
/// attacks the service.
/// </summary>
public static class SipOptionsProbe
{
    public static async Task<int> CountAnsweredAsync(IPAddress from, int servicePort, int count, TimeSpan interval, TimeSpan patience)
    {
        using var socket = new UdpClient(new IPEndPoint(from, 0));
        var answered = new ConcurrentDictionary<string, bool>();
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(stop.Token);
                var text = Encoding.UTF8.GetString(result.Buffer);
                if (text.StartsWith("SIP/2.0 200", StringComparison.Ordinal) && CallId(text) is { } callId)
                {
                    answered[callId] = true;
                }
            }
        });

        var port = ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
        for (var i = 0; i < count; i++)
        {
            var callId = $"probe-{i}-{Guid.NewGuid():N}";
            var options =
                $"OPTIONS sip:127.0.0.1:{servicePort} SIP/2.0\r\n" +
                $"Via: SIP/2.0/UDP {from}:{port};branch=z9hG4bK{Guid.NewGuid():N};rport\r\n" +
                "Max-Forwards: 70\r\n" +
                $"From: <sip:monitor@{from}>;tag=probe{i}\r\n" +
                $"To: <sip:127.0.0.1:{servicePort}>\r\n" +
                $"Call-ID: {callId}\r\n" +
                "CSeq: 1 OPTIONS\r\n" +
                "Content-Length: 0\r\n\r\n";
            var bytes = Encoding.UTF8.GetBytes(options);
            await socket.SendAsync(bytes, new IPEndPoint(IPAddress.Loopback, servicePort));
            await Task.Delay(interval);
        }

        await Task.Delay(patience);
        await stop.CancelAsync();
        await receiving.ContinueWith(_ => { }, TaskScheduler.Default);
        return answered.Count;
    }

    private static string? CallId(string message)
    {
        foreach (var line in message.Split("\r\n"))
        {
            if (line.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase))
            {
                return line["Call-ID:".Length..].Trim();
            }
        }

        return null;
    }
}

using System.Net;
using System.Net.Sockets;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// RFC 4475 torture messages sent to the running service over UDP, each answered as the RFC expects of an
/// element that handles that method; none crashes or hangs the service.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class Rfc4475ServiceTests : IAsyncLifetime
{
    private readonly PortalWebFactory factory = new PortalWebFactory().With("Sip:Domains", "sip.example.test,example.com,example.org");
    private Socket socket = null!;

    public Task InitializeAsync()
    {
        factory.StartKestrel();
        socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        socket.Dispose();
        await factory.DisposeAsync();
    }

    public static TheoryData<string, int> Expected => new()
    {
        // §3.1.1 valid messages, answered by what the service does with their method today: an INVITE is challenged
        // (407) unless it calls an account, one with a To tag names no dialog of ours (481).
        { "wsinv", 481 }, { "intmeth", 501 }, { "esc01", 407 }, { "escnull", 401 }, { "esc02", 501 }, { "lwsdisp", 200 },
        { "longreq", 407 }, { "dblreq", 401 }, { "semiuri", 200 }, { "transports", 200 }, { "mpart01", 405 },
        // §3.1.2 invalid messages: 400 with the problem named (505 for the version). lwsstart, trws and baddate
        // are accepted as the RFC allows a tolerant element to.
        { "badinv01", 400 }, { "clerr", 400 }, { "ncl", 400 }, { "scalar02", 400 }, { "quotbal", 400 }, { "ltgtruri", 400 },
        { "lwsruri", 400 }, { "escruri", 400 }, { "regbadct", 400 }, { "badaspec", 400 }, { "baddn", 400 }, { "badvers", 505 },
        { "mismatch01", 400 }, { "mismatch02", 400 }, { "lwsstart", 407 }, { "trws", 200 }, { "baddate", 407 },
        // §3.2 and §3.4.
        { "badbranch", 200 }, { "inv2543", 407 },
        // §3.3 application layer.
        { "insuf", 400 }, { "unkscm", 416 }, { "novelsc", 416 }, { "unksm2", 416 }, { "bext01", 420 }, { "invut", 415 },
        { "regaut01", 401 }, { "multi01", 400 }, { "mcl01", 400 }, { "zeromf", 200 }, { "cparam01", 401 }, { "cparam02", 401 },
        { "regescrt", 401 }, { "sdp01", 407 },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public async Task TortureMessage_SentOverUdp_GetsTheExpectedAnswer(string name, int status)
    {
        await socket.SendToAsync(Load(name), new IPEndPoint(IPAddress.Loopback, factory.SipPort));
        var answer = await ReceiveAsync(null);

        Assert.NotNull(answer);
        var statusLine = answer[..answer.IndexOf("\r\n", StringComparison.Ordinal)];
        Assert.StartsWith($"SIP/2.0 {status} ", statusLine);
        if (status == 400)
        {
            // The reason names the problem, e.g. "Bad Request - Malformed Via header".
            Assert.StartsWith("SIP/2.0 400 Bad Request - ", statusLine);
        }

        if (status == 420)
        {
            Assert.Contains("Unsupported: nothingSupportsThis, nothingSupportsThisEither", answer);
        }

        await AssertStillAnswersAsync();
    }

    [Theory]
    [InlineData("bcast")]
    [InlineData("bigcode")]
    [InlineData("scalarlg")]
    [InlineData("noreason")]
    [InlineData("unreason")]
    public async Task TortureResponse_MatchingNoTransaction_IsDroppedAndTheServiceCarriesOn(string name)
    {
        await socket.SendToAsync(Load(name), new IPEndPoint(IPAddress.Loopback, factory.SipPort));
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task EveryTortureMessage_SentAtOnce_LeavesTheServiceAnswering()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "Rfc4475"), "*.dat"))
        {
            await socket.SendToAsync(await File.ReadAllBytesAsync(file), new IPEndPoint(IPAddress.Loopback, factory.SipPort));
        }

        await AssertStillAnswersAsync();
    }

    private async Task AssertStillAnswersAsync()
    {
        var callId = $"alive-{Guid.NewGuid():N}";
        var options = $"OPTIONS sip:127.0.0.1:{factory.SipPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port};branch=z9hG4bK{Guid.NewGuid():N};rport\r\n" +
            $"From: <sip:probe@127.0.0.1>;tag=p1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        await socket.SendToAsync(System.Text.Encoding.ASCII.GetBytes(options), new IPEndPoint(IPAddress.Loopback, factory.SipPort));
        var answer = await ReceiveAsync(callId);
        Assert.NotNull(answer);
        Assert.StartsWith("SIP/2.0 200 OK", answer);
    }

    /// <summary>
    /// The raw text of the first final response (containing <paramref name="callId"/> when given; provisional
    /// ones skipped), or null after 5 s. Raw, because a refusal of a malformed request may itself lack headers.
    /// </summary>
    private async Task<string?> ReceiveAsync(string? callId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, timeout.Token);
                var text = System.Text.Encoding.UTF8.GetString(buffer, 0, received);
                if (text.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && !text.StartsWith("SIP/2.0 1", StringComparison.Ordinal)
                    && (callId is null || text.Contains(callId, StringComparison.Ordinal)))
                {
                    return text;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static byte[] Load(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Rfc4475", name + ".dat"));
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>Registration against the running service with real SIP peers (sipp, sipsak) over UDP and TCP.</summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class RegistrationTests : IAsyncLifetime
{
    private readonly PortalWebFactory factory = new();

    public async Task InitializeAsync()
    {
        factory.StartKestrel();
        await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Theory]
    [InlineData("u1")]
    [InlineData("t1")]
    public async Task Sipp_RegisterWithRightPassword_Gets200AndTheBindingIsStored(string transport)
    {
        var (exit, output) = await Sipp.RunAsync("register-auth.xml", factory.SipPort, transport, service: "alice", authUser: "alice", authPassword: "s3cret-pass");

        Assert.True(exit == 0, output);
        var binding = Assert.Single(await BindingsAsync());
        Assert.Equal("sipp-register", binding.UserAgent);
        Assert.StartsWith(transport == "u1" ? "udp:127.0.0.1:" : "tcp:127.0.0.1:", binding.ReceivedFrom);
    }

    [Fact]
    public async Task Sipp_WrongPassword_IsRefusedWith403AndNothingIsStored()
    {
        var (exit, output) = await Sipp.RunAsync("register-rejected.xml", factory.SipPort, service: "alice", authUser: "alice", authPassword: "wrong");

        Assert.True(exit == 0, output);
        Assert.Empty(await BindingsAsync());
    }

    [Fact]
    public async Task Sipp_UnknownUser_GetsExactlyTheWrongPasswordAnswer()
    {
        // The same scenario (401, then 403 after credentials) passes for an account that does not exist.
        var (exit, output) = await Sipp.RunAsync("register-rejected.xml", factory.SipPort, service: "nobody", authUser: "nobody", authPassword: "wrong");
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task Sipp_Unregister_RemovesTheBinding()
    {
        var (exit, output) = await Sipp.RunAsync("register-unregister.xml", factory.SipPort, service: "alice", authUser: "alice", authPassword: "s3cret-pass");

        Assert.True(exit == 0, output);
        Assert.Empty(await BindingsAsync());
    }

    [Fact]
    public async Task Sipp_FinalResponseWithoutAck_IsRetransmittedOverUdp()
    {
        var messages = Path.Combine(Path.GetTempPath(), $"sipp-msg-{Guid.NewGuid():N}.log");
        var (exit, output) = await Sipp.RunAsync("invite-final-retransmit.xml", factory.SipPort, extra: ["-trace_msg", "-message_file", messages]);

        Assert.True(exit == 0, output);
        var received = File.ReadAllText(messages).Split("SIP/2.0 407").Length - 1;
        File.Delete(messages);
        // Timer G: the first 407 (the INVITE is challenged), then copies at 0.5 s and 1.5 s before the ACK at 2.2 s.
        Assert.True(received >= 3, $"expected the 407 at least three times, saw {received}");
    }

    [Fact]
    public async Task RetransmittedOptions_OverUdp_GetsTheSameResponseAgain()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
        var options = System.Text.Encoding.ASCII.GetBytes(
            $"OPTIONS sip:127.0.0.1:{factory.SipPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-same;rport\r\n" +
            "From: <sip:probe@127.0.0.1>;tag=p1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: retrans-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        var service = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, factory.SipPort);
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        await socket.SendToAsync(options, service);
        var first = System.Text.Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer, timeout.Token));
        await socket.SendToAsync(options, service);
        var second = System.Text.Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer, timeout.Token));

        Assert.StartsWith("SIP/2.0 200", first);
        // The server transaction answers the retransmission with its stored response: same To tag, same bytes.
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Sipsak_Options_Gets200()
    {
        var (exit, output) = await PeerProcess.RunAsync("sipsak",
            ["-vv", "-s", $"sip:ping@127.0.0.1:{factory.SipPort}", "-l", PeerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, output);
        Assert.Contains("200 OK", output);
    }

    [Fact]
    public async Task Bindings_AfterARestart_AreStillThere()
    {
        var (exit, output) = await Sipp.RunAsync("register-auth.xml", factory.SipPort, service: "alice", authUser: "alice", authPassword: "s3cret-pass");
        Assert.True(exit == 0, output);

        // Registrations are written behind; a clean stop writes them, and so does this.
        await factory.Services.GetRequiredService<SipHostedService>().Server.Bindings.FlushAsync();
        await using var restarted = new PortalWebFactory(factory.DataDirectory, keepDirectory: true);
        restarted.StartKestrel();
        await using var db = await restarted.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Single(await db.SipBindings.ToListAsync());
    }

    private async Task<List<Portal.Data.Entities.SipBinding>> BindingsAsync()
    {
        await factory.Services.GetRequiredService<SipHostedService>().Server.Bindings.FlushAsync();
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.SipBindings.ToListAsync();
    }
}

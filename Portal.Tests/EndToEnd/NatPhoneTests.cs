using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Sip.Messages;
using Portal.Tests.Infrastructure;
using Portal.Tests.Sip.Auth;
using Portal.Tests.Sip.Transport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Phones behind NAT (nathelper's <c>fix_nated_register</c>): a hand-made phone whose Contact says
/// <c>192.168.1.50:5060</c> registers from its real 127.0.0.1 port; a call to it reaches that port over UDP, or
/// its own connection over TCP.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed partial class NatPhoneTests : IAsyncLifetime
{
    private const string PrivateContact = "sip:bob@192.168.1.50:5060";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly PortalWebFactory factory = new();

    public async Task InitializeAsync()
    {
        factory.StartKestrel();
        await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await factory.CreateUserWithSipAccountAsync("bob", "bob", "b0b-secret-1");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task UdpPhoneBehindNat_RegistersWithAPrivateContact_AndIsCalledOnItsRealPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var server = new IPEndPoint(IPAddress.Loopback, factory.SipPort);
        var realPort = ((IPEndPoint)socket.Client.LocalEndPoint!).Port;

        await RegisterAsync(text => socket.SendAsync(Encoding.UTF8.GetBytes(text), server).AsTask(), () => ReceiveUdpAsync(socket), "UDP", "");

        var binding = await SingleBindingAsync();
        Assert.Equal((PrivateContact, $"udp:127.0.0.1:{realPort}"), (binding.ContactUri, binding.ReceivedFrom));

        var caller = Sipp.RunAsync("call-uac-auth-busy.xml", factory.SipPort, service: "bob", authUser: "alice", authPassword: "s3cret-pass");
        var invite = await NextInviteAsync(() => ReceiveUdpAsync(socket));

        Assert.Equal(PrivateContact, invite.Uri.ToString());
        await socket.SendAsync(invite.CreateResponse(486, "Busy Here", "nat-phone").ToBytes(), server);
        var (exit, output) = await caller;
        Assert.True(exit == 0, output); // the phone's 486 reached the caller
    }

    [Fact]
    public async Task TcpPhoneBehindNat_IsCalledOverItsOwnConnection()
    {
        using var phone = await TcpPeer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, factory.SipPort));

        await RegisterAsync(text => phone.WriteAsync(Encoding.UTF8.GetBytes(text)), phone.ReadMessageAsync, "TCP", ";transport=tcp");

        var binding = await SingleBindingAsync();
        Assert.Equal($"tcp:127.0.0.1:{phone.LocalEndPoint.Port}", binding.ReceivedFrom);

        var caller = Sipp.RunAsync("call-uac-auth-busy.xml", factory.SipPort, service: "bob", authUser: "alice", authPassword: "s3cret-pass");
        var invite = await NextInviteAsync(phone.ReadMessageAsync);

        Assert.Equal(PrivateContact + ";transport=tcp", invite.Uri.ToString());
        await phone.WriteAsync(invite.CreateResponse(486, "Busy Here", "nat-phone").ToBytes());
        var (exit, output) = await caller;
        Assert.True(exit == 0, output); // the phone's 486 reached the caller
    }

    /// <summary>REGISTER, answer the 401 with bob's credentials, and expect 200: Via and Contact name the private address.</summary>
    private static async Task RegisterAsync(Func<string, Task> send, Func<Task<SipMessage>> receive, string transport, string contactParameters)
    {
        const string uri = "sip:sip.example.test";
        string Register(int cseq, string authorization) =>
            $"REGISTER {uri} SIP/2.0\r\n" +
            $"Via: SIP/2.0/{transport} 192.168.1.50:5060;branch=z9hG4bKnat{cseq}{Guid.NewGuid():N};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:bob@sip.example.test>;tag=nat1\r\n" +
            "To: <sip:bob@sip.example.test>\r\n" +
            "Call-ID: nat-register-1\r\n" +
            $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} REGISTER\r\n" +
            $"Contact: <{PrivateContact}{contactParameters}>\r\n" +
            "Expires: 300\r\n" +
            "User-Agent: hand-made NAT phone\r\n" +
            authorization +
            "Content-Length: 0\r\n\r\n";

        await send(Register(1, ""));
        var challenge = Assert.IsType<SipResponse>(await receive());
        Assert.Equal(401, challenge.StatusCode);
        var header = challenge.Headers.GetFirst("WWW-Authenticate")!;
        var realm = RealmRegex().Match(header).Groups[1].Value;
        var nonce = NonceRegex().Match(header).Groups[1].Value;
        await send(Register(2, $"Authorization: {TestDigestClient.Header("MD5", "bob", realm, "b0b-secret-1", "REGISTER", uri, nonce)}\r\n"));
        var ok = Assert.IsType<SipResponse>(await receive());
        Assert.Equal(200, ok.StatusCode);
    }

    /// <summary>The next INVITE the phone gets, answering any keep-alive OPTIONS on the way.</summary>
    private static async Task<SipRequest> NextInviteAsync(Func<Task<SipMessage>> receive)
    {
        while (true)
        {
            if (await receive() is SipRequest { Method.Name: "INVITE" } invite)
            {
                return invite;
            }
        }
    }

    private static async Task<SipMessage> ReceiveUdpAsync(UdpClient socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var datagram = await socket.ReceiveAsync(timeout.Token);
        return SipMessageParser.Parse(new ReadOnlyMemory<byte>(datagram.Buffer)).Message!;
    }

    private async Task<Portal.Data.Entities.SipBinding> SingleBindingAsync()
    {
        // Registrations are written behind.
        await factory.Services.GetRequiredService<Portal.SipIntegration.SipHostedService>().Server.Bindings.FlushAsync();
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.SipBindings.AsNoTracking().SingleAsync();
    }

    [GeneratedRegex("realm=\"([^\"]*)\"")]
    private static partial Regex RealmRegex();

    [GeneratedRegex("nonce=\"([^\"]*)\"")]
    private static partial Regex NonceRegex();
}

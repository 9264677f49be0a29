using System.Net;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Dialling;
using Portal.Sip.Messages;
using Portal.Sip.Transport;
using Portal.Tests.Sip.Transactions;
using static Portal.Tests.Sip.Calls.CallTestMessages;

namespace Portal.Tests.Sip.Calls;

/// <summary>
/// Calls in from providers (DESIGN §5, §10): to the provider's registration token or to the number it registered,
/// from the address its registrar resolved to, they run the provider's incoming dialplan without a challenge; a
/// call to the token from anywhere else gets 403 and nothing is dialled.
/// </summary>
public sealed class CallManagerProviderInboundTests
{
    private const string Token = "p-0123456789abcdef";
    private static readonly SipEndPoint ProviderServer = SipEndPoint.Parse("udp:198.51.100.7:5060");
    private static readonly SipEndPoint Elsewhere = SipEndPoint.Parse("udp:203.0.113.66:5060");

    private readonly CallBench bench = new();

    public CallManagerProviderInboundTests()
    {
        bench.Providers.ByToken[Token] = new IncomingProvider("trunk", Token, "owner-2", "owner-2-name", "from-trunk", Register: true, OwnerIsSuspended: false);
        bench.RegisteredProviders.Set(Token, ProviderServer.EndPoint.Address, "acct1");
        // The dialplan answers with the number it was given, so the test sees what req.URI.User was.
        bench.Dialplans.Set("owner-2", "from-trunk", "when /^(\\d+)$/ then sys.Respond(486, \"dialled $1\")\nelse sys.Respond(404, \"nothing\")");
    }

    [Fact]
    public async Task InviteToTheToken_FromTheProvidersAddress_RunsItsIncomingDialplan_WithTheToUserAsTheNumber_Unchallenged()
    {
        await bench.ReceiveAsync(ProviderInvite(Token, toUser: "15551230000"), ProviderServer);

        var (answer, _) = await bench.Sender.WaitForResponseAsync(486, "a-leg-1");
        Assert.Equal("dialled 15551230000", answer.ReasonPhrase);
        Assert.DoesNotContain(bench.Sender.Sent, s => s.Message is SipResponse { StatusCode: 407 });
    }

    [Fact]
    public async Task InviteToTheRegisteredNumber_FromTheProvidersAddress_RunsItsIncomingDialplan_WithThatNumber()
    {
        bench.RegisteredProviders.Set(Token, ProviderServer.EndPoint.Address, "4930123456");

        await bench.ReceiveAsync(ProviderInvite("4930123456", toUser: "4930123456"), ProviderServer);

        var (answer, _) = await bench.Sender.WaitForResponseAsync(486, "a-leg-1");
        Assert.Equal("dialled 4930123456", answer.ReasonPhrase);
    }

    [Fact]
    public async Task InviteToTheToken_FromAnotherAddress_Gets403_AndNothingIsDialled()
    {
        bench.Dialplans.Set("owner-2", "from-trunk", "else sys.Dial(\"bob@local\")");

        await bench.ReceiveAsync(ProviderInvite(Token, toUser: "15551230000"), Elsewhere);

        await bench.Sender.WaitForResponseAsync(403, "a-leg-1");
        Assert.Empty(bench.Calls.GetCalls());
        Assert.DoesNotContain(bench.Sender.Sent, s => s.Message is SipRequest { Method.Name: "INVITE" });
        var refusal = Assert.Single(await bench.Records.WaitForRefusalsAsync(1));
        Assert.Equal(("provider.call-refused", "owner-2", "203.0.113.66"), (refusal.Action, refusal.OwnerId, refusal.Source));
    }

    [Fact]
    public async Task InviteToTheToken_OfAProviderThatNoLongerRegisters_Gets403()
    {
        bench.Providers.ByToken[Token] = bench.Providers.ByToken[Token] with { Register = false };

        await bench.ReceiveAsync(ProviderInvite(Token, toUser: "15551230000"), ProviderServer);

        await bench.Sender.WaitForResponseAsync(403, "a-leg-1");
    }

    [Fact]
    public async Task InviteToANumberTheProviderDidNotRegister_FromItsAddress_IsNotTheProviders_AndIsChallenged()
    {
        await bench.ReceiveAsync(ProviderInvite("15559999999", toUser: "15559999999"), ProviderServer);

        await bench.Sender.WaitForResponseAsync(407, "a-leg-1");
    }

    [Fact]
    public async Task InviteToTheToken_WithoutAnIncomingDialplan_Gets480()
    {
        bench.Providers.ByToken[Token] = bench.Providers.ByToken[Token] with { InDialplanName = null };

        await bench.ReceiveAsync(ProviderInvite(Token, toUser: "15551230000"), ProviderServer);

        await bench.Sender.WaitForResponseAsync(480, "a-leg-1");
    }

    [Fact]
    public async Task InviteToTheToken_OfASuspendedOwner_Gets403()
    {
        bench.Providers.ByToken[Token] = bench.Providers.ByToken[Token] with { OwnerIsSuspended = true };

        await bench.ReceiveAsync(ProviderInvite(Token, toUser: "15551230000"), ProviderServer);

        await bench.Sender.WaitForResponseAsync(403, "a-leg-1");
    }

    [Fact]
    public async Task RegisteredProviders_AnIPv4MappedSource_IsTheSameAddress()
    {
        Assert.True(bench.RegisteredProviders.IsFrom(Token, IPAddress.Parse("198.51.100.7").MapToIPv6()));
        Assert.False(bench.RegisteredProviders.IsFrom(Token, IPAddress.Parse("198.51.100.8")));
    }

    private static SipRequest ProviderInvite(string uriUser, string toUser) =>
        TransactionTestMessages.Parse(
            $"INVITE sip:{uriUser}@192.0.2.1:5060 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKprovider1\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:+15557654321@provider.example.net>;tag=prov1\r\n" +
            $"To: <sip:{toUser}@provider.example.net>\r\n" +
            "Call-ID: a-leg-1\r\n" +
            "CSeq: 1 INVITE\r\n" +
            "Contact: <sip:gw@198.51.100.7:5060>\r\n" +
            "Content-Type: application/sdp\r\n" +
            $"Content-Length: {CallerSdp.Length}\r\n\r\n{CallerSdp}");
}

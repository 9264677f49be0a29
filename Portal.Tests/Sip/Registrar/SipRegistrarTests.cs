using System.Net;
using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Auth;
using Portal.Sip.Messages;
using Portal.Sip.Registrar;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Registrar;

public sealed class SipRegistrarTests
{
    private static readonly SipEndPoint Phone = new(SipTransportProtocol.Udp, IPEndPoint.Parse("192.0.2.10:5062"));
    private static readonly SipAccountCredentials Alice = new(7, "alice", "owner-1", "owner", "sip.example.test", "", "", false, false, false, null, null);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryBindingStore store = new();
    private readonly SipRegistrar registrar;

    public SipRegistrarTests() => registrar = new SipRegistrar(store, time);

    [Fact]
    public async Task RegisterAsync_NewContact_StoresItAndListsItWithItsExpiry()
    {
        var response = await registrar.RegisterAsync(
            SipTestMessages.Register("alice", contact: "<sip:alice@192.0.2.10:5062>", expires: 600, extraHeaders: "User-Agent: Phone/1.0"), Alice, Phone);

        Assert.Equal(200, response.StatusCode);
        var contact = Assert.Single(response.Contacts);
        Assert.Equal("sip:alice@192.0.2.10:5062", contact.Uri!.ToString());
        Assert.Equal(600u, contact.Expires);
        var stored = Assert.Single(store.Bindings[7]);
        Assert.Equal("udp:192.0.2.10:5062", stored.ReceivedFrom);
        Assert.Equal("Phone/1.0", stored.UserAgent);
        Assert.Equal(time.GetUtcNow().UtcDateTime.AddSeconds(600), stored.ExpiresAt);
    }

    [Fact]
    public async Task RegisterAsync_ExpiresBelowMinimum_Answers423WithMinExpires()
    {
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", contact: "<sip:alice@192.0.2.10:5062>", expires: 30), Alice, Phone);

        Assert.Equal(423, response.StatusCode);
        Assert.Equal("60", response.Headers.GetFirst("Min-Expires"));
        Assert.False(store.Bindings.ContainsKey(7));
    }

    [Fact]
    public async Task RegisterAsync_ExpiresAboveMaximum_IsCappedAt3600()
    {
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", contact: "<sip:alice@192.0.2.10:5062>;expires=86400"), Alice, Phone);
        Assert.Equal(3600u, Assert.Single(response.Contacts).Expires);
    }

    [Fact]
    public async Task RegisterAsync_NoExpiresAnywhere_UsesTheDefault()
    {
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", contact: "<sip:alice@192.0.2.10:5062>"), Alice, Phone);
        Assert.Equal(3600u, Assert.Single(response.Contacts).Expires);
    }

    [Fact]
    public async Task RegisterAsync_ExpiresZero_RemovesThatContactOnly()
    {
        await registrar.RegisterAsync(SipTestMessages.Register("alice", cseq: 1, contact: "<sip:a@192.0.2.10:5062>, <sip:b@192.0.2.11:5062>", expires: 600), Alice, Phone);
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", cseq: 2, contact: "<sip:a@192.0.2.10:5062>", expires: 0), Alice, Phone);

        Assert.Equal("sip:b@192.0.2.11:5062", Assert.Single(response.Contacts).Uri!.ToString());
        Assert.Single(store.Bindings[7]);
    }

    [Fact]
    public async Task RegisterAsync_WildcardWithExpiresZero_RemovesEveryBinding()
    {
        await registrar.RegisterAsync(SipTestMessages.Register("alice", callId: "one", contact: "<sip:a@192.0.2.10:5062>", expires: 600), Alice, Phone);
        await registrar.RegisterAsync(SipTestMessages.Register("alice", callId: "two", contact: "<sip:b@192.0.2.11:5062>", expires: 600), Alice, Phone);

        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", callId: "three", contact: "*", expires: 0), Alice, Phone);

        Assert.Equal(200, response.StatusCode);
        Assert.Empty(response.Contacts);
        Assert.Empty(store.Bindings[7]);
    }

    [Fact]
    public async Task RegisterAsync_WildcardWithoutExpiresZero_Answers400()
    {
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", contact: "*", expires: 60), Alice, Phone);
        Assert.Equal(400, response.StatusCode);
    }

    [Fact]
    public async Task RegisterAsync_NoContact_ListsCurrentBindings()
    {
        await registrar.RegisterAsync(SipTestMessages.Register("alice", cseq: 1, contact: "<sip:a@192.0.2.10:5062>", expires: 600), Alice, Phone);
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", cseq: 2), Alice, Phone);
        Assert.Equal("sip:a@192.0.2.10:5062", Assert.Single(response.Contacts).Uri!.ToString());
    }

    [Fact]
    public async Task RegisterAsync_MoreThanTenContacts_IsRefusedAndStoresNothingNew()
    {
        for (var i = 0; i < 10; i++)
        {
            var ok = await registrar.RegisterAsync(SipTestMessages.Register("alice", callId: $"c{i}", contact: $"<sip:p{i}@192.0.2.10:{5000 + i}>", expires: 600), Alice, Phone);
            Assert.Equal(200, ok.StatusCode);
        }

        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", callId: "c11", contact: "<sip:p11@192.0.2.10:6000>", expires: 600), Alice, Phone);

        Assert.Equal(403, response.StatusCode);
        Assert.Contains("at most 10", response.ReasonPhrase);
        Assert.Equal(10, store.Bindings[7].Count);
    }

    [Fact]
    public async Task RegisterAsync_SameCallIdWithOldCSeq_FailsWithoutChange()
    {
        await registrar.RegisterAsync(SipTestMessages.Register("alice", cseq: 5, contact: "<sip:a@192.0.2.10:5062>", expires: 600), Alice, Phone);
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", cseq: 4, contact: "<sip:a@192.0.2.10:5062>", expires: 0), Alice, Phone);

        Assert.Equal(500, response.StatusCode);
        Assert.Single(store.Bindings[7]);
    }

    [Fact]
    public async Task RegisterAsync_ToAnotherAccountsAddress_IsForbidden()
    {
        var response = await registrar.RegisterAsync(SipTestMessages.Register("bob", contact: "<sip:bob@192.0.2.10:5062>"), Alice, Phone);
        Assert.Equal(403, response.StatusCode);
        Assert.False(store.Bindings.ContainsKey(7));
    }

    [Fact]
    public async Task RemoveExpiredAsync_AfterExpiry_DropsBindingsAndRaisesTheEvent()
    {
        var changed = new List<int>();
        registrar.BindingsChanged += changed.Add;
        await registrar.RegisterAsync(SipTestMessages.Register("alice", contact: "<sip:a@192.0.2.10:5062>", expires: 60), Alice, Phone);

        time.Advance(TimeSpan.FromSeconds(61));
        await registrar.RemoveExpiredAsync();

        Assert.Empty(store.Bindings[7]);
        Assert.Equal([7, 7], changed);
    }

    [Fact]
    public async Task RegisterAsync_AfterExpiryWithoutSweep_DoesNotListTheExpiredContact()
    {
        await registrar.RegisterAsync(SipTestMessages.Register("alice", cseq: 1, contact: "<sip:a@192.0.2.10:5062>", expires: 60), Alice, Phone);
        time.Advance(TimeSpan.FromSeconds(61));
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", cseq: 2), Alice, Phone);
        Assert.Empty(response.Contacts);
    }
}

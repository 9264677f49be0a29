using System.Net;
using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Auth;
using Portal.Sip.Messages;
using Portal.Sip.Registrar;
using Portal.Sip.Transport;

namespace Portal.Tests.Sip.Registrar;

/// <summary>Path (RFC 3327 §5.3): a REGISTER that came through proxies leaves its Path with the binding.</summary>
public sealed class SipRegistrarPathTests
{
    private static readonly SipEndPoint Proxy = new(SipTransportProtocol.Udp, IPEndPoint.Parse("192.0.2.20:5060"));
    private static readonly SipAccountCredentials Alice = new(7, "alice", "owner-1", "owner", "sip.example.test", "", "", false, false, false, null, null);

    private readonly InMemoryBindingStore store = new();
    private readonly SipRegistrar registrar;

    public SipRegistrarPathTests() => registrar = new SipRegistrar(store, new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero)));

    [Fact]
    public async Task RegisterAsync_WithPathsAndSupportedPath_StoresThemInOrder_AndReturnsThem()
    {
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", contact: "<sip:alice@10.0.0.5:5062>", expires: 600,
            extraHeaders: ["Path: <sip:edge.example.test;lr;received=sip:198.51.100.7:5062>", "Path: <sip:core.example.test;lr>", "Supported: path"]), Alice, Proxy);

        Assert.Equal(200, response.StatusCode);
        const string path = "<sip:edge.example.test;lr;received=sip:198.51.100.7:5062>, <sip:core.example.test;lr>";
        Assert.Equal(path, Assert.Single(store.Bindings[7]).Path);
        Assert.Equal(path, response.Headers.GetFirst("Path"));
    }

    [Fact]
    public async Task RegisterAsync_WithPathFromAPhoneThatDoesNotSupportIt_StoresIt_ButDoesNotReturnIt()
    {
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", contact: "<sip:alice@10.0.0.5:5062>", expires: 600,
            extraHeaders: ["Path: <sip:edge.example.test;lr>"]), Alice, Proxy);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("<sip:edge.example.test;lr>", Assert.Single(store.Bindings[7]).Path);
        Assert.Null(response.Headers.GetFirst("Path"));
    }

    [Fact]
    public async Task RegisterAsync_WithoutPath_StoresNone()
    {
        await registrar.RegisterAsync(SipTestMessages.Register("alice", contact: "<sip:alice@10.0.0.5:5062>", expires: 600), Alice, Proxy);

        Assert.Null(Assert.Single(store.Bindings[7]).Path);
    }

    [Theory]
    [InlineData("Path: <mailto:someone@example.test>")]
    [InlineData("Path: not a uri at all <")]
    public async Task RegisterAsync_WithAPathThatIsNotASipUri_Answers400_AndStoresNothing(string header)
    {
        var response = await registrar.RegisterAsync(SipTestMessages.Register("alice", contact: "<sip:alice@10.0.0.5:5062>", expires: 600,
            extraHeaders: [header]), Alice, Proxy);

        Assert.Equal(400, response.StatusCode);
        Assert.False(store.Bindings.TryGetValue(7, out var bindings) && bindings.Count > 0);
    }
}

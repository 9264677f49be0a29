using System.Net.Http.Headers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Api;

/// <summary>
/// The call manager API as a voice app sees it (DESIGN §7). No SIP peers here: with no calls in progress, a request
/// that gets through authentication and validation ends in "no such call" (404).
/// </summary>
public sealed class CallManagerApiTests : IAsyncLifetime
{
    private PortalWebFactory factory = null!;
    private HttpClient client = null!;
    private PortalCaller alice = null!;
    private CreatedCallManagerKey aliceKey = null!;

    public async Task InitializeAsync()
    {
        factory = new PortalWebFactory();
        client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (alice, aliceKey) = await UserWithKeyAsync(factory, "alice");
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task BlindTransfer_KeyThatDoesNotCheckOut_IsOneAndTheSame401()
    {
        var (_, bobKey) = await UserWithKeyAsync(factory, "bob");
        var revoked = await factory.CreateCallManagerKeyAsync(alice, "old");
        await factory.Services.GetRequiredService<CallManagerKeyService>().RevokeAsync(alice, revoked.Id);
        var wrongSecret = aliceKey.Key[..^4] + (aliceKey.Key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["unknown user"] = await client.GetAsync(TransferUrl("nobody", aliceKey.Key)),
            ["wrong key"] = await client.GetAsync(TransferUrl("alice", wrongSecret)),
            ["malformed key"] = await client.GetAsync(TransferUrl("alice", "not-a-key")),
            ["revoked key"] = await client.GetAsync(TransferUrl("alice", revoked.Key)),
            ["missing key"] = await client.GetAsync(TransferUrl("alice", key: null)),
            ["another user's key"] = await client.GetAsync(TransferUrl("alice", bobKey.Key)),
        };

        var expectedBody = await responses["missing key"].Content.ReadAsStringAsync();
        Assert.StartsWith("401 ", expectedBody);
        foreach (var (reason, response) in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{reason}: {response.StatusCode}");
            Assert.Equal(expectedBody, await response.Content.ReadAsStringAsync());
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        }

        // Bob's own key still works for Bob.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(TransferUrl("bob", bobKey.Key))).StatusCode);
    }

    [Fact]
    public async Task BlindTransfer_KeyAsBearerHeader_AuthenticatesLikeKeyParameter()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TransferUrl("ALICE", key: null));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", aliceKey.Key);

        var response = await client.SendAsync(request);

        // Past authentication (user names are case-insensitive), and no call xfer-17 exists.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no call in progress", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BlindTransfer_KeyBothAsParameterAndHeader_Is400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TransferUrl("alice", aliceKey.Key));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", aliceKey.Key);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("give the key once", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BlindTransfer_SvcAlias_AnswersLikeCallManager()
    {
        var original = await client.GetAsync(TransferUrl("alice", aliceKey.Key));
        var alias = await client.GetAsync(TransferUrl("alice", aliceKey.Key).Replace("/callmanager/", "/callmanager.svc/", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NotFound, alias.StatusCode);
        Assert.Equal(await original.Content.ReadAsStringAsync(), await alias.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BlindTransfer_PostedForm_IsReadLikeTheQueryString()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = "alice", ["callid"] = "xfer-17", ["destination"] = "5551234", ["key"] = aliceKey.Key,
        });

        var response = await client.PostAsync("/callmanager/blindtransfer", form);

        // No antiforgery token and no cookie needed: the key alone gets the request through to the call lookup.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no call in progress", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BlindTransfer_ParameterInQueryAndForm_Is400()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["destination"] = "5550000" });

        var response = await client.PostAsync(TransferUrl("alice", aliceKey.Key), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("give destination once", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BlindTransfer_SuspendedOwner_Is403()
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var admin = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>()
                .FindByNameAsync(PortalDatabaseInitializer.BootstrapAdminUserName);
            await scope.ServiceProvider.GetRequiredService<UserAdminService>()
                .SuspendAsync(new PortalCaller(admin!.Id, admin.UserName!, true), alice.UserId, "unpaid");
        }

        var response = await client.GetAsync(TransferUrl("alice", aliceKey.Key));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("suspended", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("callid=xfer-17&destination=5551234", "missing user")]
    [InlineData("user=alice&destination=5551234", "missing callid")]
    [InlineData("user=alice&callid=xfer-17", "missing destination")]
    [InlineData("user=alice&callid=xfer-17&destination=555%0d%0aX-Evil:%201", "destination is not valid: " + TransferDestination.Rule)]
    [InlineData("user=alice&callid=xfer-17&destination=5551234@evil.example", "destination is not valid")]
    [InlineData("user=alice&callid=xfer-17&destination=555%201234", "destination is not valid")]
    [InlineData("user=alice&callid=xfer-17&destination=<sip:5551234>", "destination is not valid")]
    [InlineData("user=alice&callid=xfer-17&destination=12345678901234567890123456789012345678901234567890123456789012345", "destination is not valid")]
    [InlineData("user=alice&callid=xfer%0a17&destination=5551234", "callid must not contain control characters")]
    [InlineData("user=alice&callid=xfer-17&destination=5551234&wait=61", "wait must be a whole number of seconds from 0 to 60")]
    [InlineData("user=alice&callid=xfer-17&destination=5551234&wait=-1", "wait must be a whole number")]
    [InlineData("user=alice&callid=xfer-17&destination=5551234&wait=soon", "wait must be a whole number")]
    public async Task BlindTransfer_BadParameter_Is400WithWhatToFix(string query, string message)
    {
        var response = await client.GetAsync($"/callmanager/blindtransfer?{query}&key={Uri.EscapeDataString(aliceKey.Key)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BlindTransfer_CallIdLongerThan256_Is400()
    {
        var response = await client.GetAsync(TransferUrl("alice", aliceKey.Key, callId: new string('x', 257)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("callid can be at most 256 characters", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BlindTransfer_NoSuchCall_Is404InPlainText()
    {
        var response = await client.GetAsync(TransferUrl("alice", aliceKey.Key));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        // The API's own line, not the portal's "not found" page.
        Assert.StartsWith("404 this user has no call in progress", body);
        Assert.DoesNotContain("<", body);
    }

    [Fact]
    public async Task BlindTransfer_AnotherUsersCallId_Is404LikeNoCall()
    {
        var (_, bobKey) = await UserWithKeyAsync(factory, "bob");

        var asAlice = await client.GetAsync(TransferUrl("alice", aliceKey.Key, callId: "bob-call@198.51.100.7"));
        var asBob = await client.GetAsync(TransferUrl("bob", bobKey.Key, callId: "bob-call@198.51.100.7"));

        Assert.Equal(HttpStatusCode.NotFound, asAlice.StatusCode);
        Assert.Equal(await asBob.Content.ReadAsStringAsync(), await asAlice.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BlindTransfer_AcceptJson_GetsProblemDetails()
    {
        using var notFound = new HttpRequestMessage(HttpMethod.Get, TransferUrl("alice", aliceKey.Key));
        notFound.Headers.Accept.ParseAdd("application/json");
        using var unauthorized = new HttpRequestMessage(HttpMethod.Get, TransferUrl("alice", "pk_00000000_wrong"));
        unauthorized.Headers.Accept.ParseAdd("application/json");

        var notFoundResponse = await client.SendAsync(notFound);
        var unauthorizedResponse = await client.SendAsync(unauthorized);

        Assert.Equal("application/problem+json", notFoundResponse.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await notFoundResponse.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal("urn:portal:callmanager:call-not-found", problem.RootElement.GetProperty("type").GetString());
        Assert.Contains("no call in progress", problem.RootElement.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorizedResponse.StatusCode);
        Assert.Equal("application/problem+json", unauthorizedResponse.Content.Headers.ContentType?.MediaType);
        using var unauthorizedProblem = JsonDocument.Parse(await unauthorizedResponse.Content.ReadAsStringAsync());
        Assert.Equal(401, unauthorizedProblem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task BlindTransfer_ValidKey_RecordsLastUsedAndAuditsTheRequest()
    {
        await client.GetAsync(TransferUrl("alice", aliceKey.Key));

        var key = (await factory.Services.GetRequiredService<CallManagerKeyService>().ListAsync(alice)).Single();
        Assert.NotNull(key.LastUsedAt);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "transfer.request");
        Assert.Equal($"key:{aliceKey.Prefix}", entry.Actor);
        Assert.Equal("call xfer-17", entry.Target);
        Assert.Contains("5551234", entry.Detail);
        Assert.Contains("NotFound", entry.Detail);
    }

    [Fact]
    public async Task BlindTransfer_WrongKey_IsNotAudited()
    {
        await client.GetAsync(TransferUrl("alice", "pk_00000000_wrong"));

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "transfer.request"));
        Assert.Null((await factory.Services.GetRequiredService<CallManagerKeyService>().ListAsync(alice)).Single().LastUsedAt);
    }

    [Fact]
    public async Task IsAlive_Answers200OkInTextAndJson()
    {
        var text = await client.GetAsync("/callmanager/isalive");
        using var jsonRequest = new HttpRequestMessage(HttpMethod.Get, "/callmanager.svc/isalive");
        jsonRequest.Headers.Accept.ParseAdd("application/json");
        var json = await client.SendAsync(jsonRequest);

        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("200 OK\n", await text.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await json.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Transfer_UnknownId_Is404AndWithoutKey401()
    {
        var withKey = await client.GetAsync($"/callmanager/transfers/0123456789abcdef?key={Uri.EscapeDataString(aliceKey.Key)}");
        var withoutKey = await client.GetAsync("/callmanager/transfers/0123456789abcdef");
        var otherUser = await client.GetAsync($"/callmanager/transfers/0123456789abcdef?user=bob&key={Uri.EscapeDataString(aliceKey.Key)}");

        Assert.Equal(HttpStatusCode.NotFound, withKey.StatusCode);
        Assert.StartsWith("404 this user has no transfer with that id", await withKey.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherUser.StatusCode);
    }

    [Fact]
    public async Task UnknownCallManagerPath_Is404InPlainTextNotThePortalPage()
    {
        var response = await client.GetAsync("/callmanager/hangup?user=alice");
        var wrongMethod = await client.PutAsync("/callmanager/blindtransfer", new StringContent(""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("404 no such call manager endpoint", await response.Content.ReadAsStringAsync());
        Assert.StartsWith("404 no such call manager endpoint", await wrongMethod.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFailureInside_IsA500InPlainTextNotThePortalsErrorPage()
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // The key table gone: every key check fails inside the service.
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.ExecuteSqlRawAsync("DROP TABLE \"CallManagerKeys\"");
        }

        var response = await client.GetAsync($"/callmanager/blindtransfer?user=alice&callid=x&destination=5551234&key={Uri.EscapeDataString(aliceKey.Key)}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("500 the call manager could not handle this request", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Requests_OverThePerAddressLimit_Get429WithRetryAfter()
    {
        await using var limited = new PortalWebFactory().With("CallManager:RateLimit:PerAddressPerMinute", "3");
        using var limitedClient = limited.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await limitedClient.GetAsync("/callmanager/isalive")).StatusCode);
        }

        var refused = await limitedClient.GetAsync("/callmanager/blindtransfer?user=alice&callid=x&destination=1");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.StartsWith("429 too many requests from this address", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TransferRequests_OverThePerUserLimit_Get429_OnlyForThatUserAndOnlyWithTheirKey()
    {
        await using var limited = new PortalWebFactory().With("CallManager:RateLimit:PerUserPerMinute", "2");
        using var limitedClient = limited.CreateClient();
        var (_, key) = await UserWithKeyAsync(limited, "alice");
        var (_, bobKey) = await UserWithKeyAsync(limited, "bob");

        // Requests naming alice without her key do not spend her quota.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await limitedClient.GetAsync(TransferUrl("alice", "pk_00000000_guess"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await limitedClient.GetAsync(TransferUrl("alice", key.Key))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await limitedClient.GetAsync(TransferUrl("alice", key.Key))).StatusCode);
        var refused = await limitedClient.GetAsync(TransferUrl("alice", key.Key));
        var bob = await limitedClient.GetAsync(TransferUrl("bob", bobKey.Key));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.StartsWith("429 too many transfer requests for this user", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, bob.StatusCode);
    }

    [Fact]
    public async Task BlindTransfer_SipServiceDisabled_Is503()
    {
        await using var noSip = new PortalWebFactory().With("Sip:Enabled", "false");
        using var noSipClient = noSip.CreateClient();
        var (_, key) = await UserWithKeyAsync(noSip, "alice");

        var response = await noSipClient.GetAsync(TransferUrl("alice", key.Key));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("SIP service is not running", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IsAlive_OverHttpAndHttps_IsNotRedirected_WhilePortalPagesOnHttpAre()
    {
        using var certificate = SelfSignedCertificate();
        var pfxPath = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(pfxPath, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        try
        {
            // An operator's setup: plain HTTP and HTTPS side by side, from the standard Kestrel configuration.
            await using var tls = new PortalWebFactory()
                .With("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:0")
                .With("Kestrel:Endpoints:Https:Url", "https://127.0.0.1:0")
                .With("Kestrel:Endpoints:Https:Certificate:Path", pfxPath)
                .With("Kestrel:Endpoints:Https:Certificate:Password", "pfx-password");
            tls.StartKestrel();
            var http = tls.ServerAddresses.Single(a => a.Scheme == Uri.UriSchemeHttp);
            var https = tls.ServerAddresses.Single(a => a.Scheme == Uri.UriSchemeHttps);
            using var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
            };
            using var browser = new HttpClient(handler);

            var overHttp = await browser.GetAsync(new Uri(http, "/callmanager/isalive"));
            var aliasOverHttp = await browser.GetAsync(new Uri(http, "/callmanager.svc/isalive"));
            var overHttps = await browser.GetAsync(new Uri(https, "/callmanager/isalive"));
            var portalPage = await browser.GetAsync(new Uri(http, "/Account/Login"));

            Assert.Equal(HttpStatusCode.OK, overHttp.StatusCode);
            Assert.Equal(HttpStatusCode.OK, aliasOverHttp.StatusCode);
            Assert.Equal(HttpStatusCode.OK, overHttps.StatusCode);
            Assert.Equal("200 OK\n", await overHttps.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.TemporaryRedirect, portalPage.StatusCode);
            Assert.Equal(Uri.UriSchemeHttps, portalPage.Headers.Location?.Scheme);
            Assert.Equal(https.Port, portalPage.Headers.Location?.Port);
        }
        finally
        {
            File.Delete(pfxPath);
        }
    }

    private static async Task<(PortalCaller Caller, CreatedCallManagerKey Key)> UserWithKeyAsync(PortalWebFactory factory, string userName)
    {
        var caller = await factory.CreateUserWithSipAccountAsync(userName, userName, "sip-secret-1");
        return (caller, await factory.CreateCallManagerKeyAsync(caller));
    }

    private static string TransferUrl(string user, string? key, string callId = "xfer-17", string destination = "5551234") =>
        $"/callmanager/blindtransfer?user={Uri.EscapeDataString(user)}&callid={Uri.EscapeDataString(callId)}"
        + $"&destination={Uri.EscapeDataString(destination)}{(key is null ? "" : $"&key={Uri.EscapeDataString(key)}")}";

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}

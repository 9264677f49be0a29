using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Services;

public sealed class ProviderServiceTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalCaller alice = null!;
    private PortalCaller mallory = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        alice = await host.CreateUserAsync("alice");
        mallory = await host.CreateUserAsync("mallory");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private ProviderService Service => host.Get<ProviderService>();

    [Fact]
    public async Task CreateAsync_Password_IsStoredEncryptedAndNeverReturned()
    {
        var created = await Service.CreateAsync(alice, new ProviderInput { Name = "trunk", Server = "sip.example.com:5080", AuthUsername = "acct1", Password = "pr0vider-secret" });

        Assert.True(created.HasPassword);
        Assert.Equal("sip:sip.example.com:5080", created.ServerUri);
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var stored = await db.SipProviders.SingleAsync();
        Assert.DoesNotContain("pr0vider-secret", stored.PasswordProtected);
        Assert.Equal("pr0vider-secret", Service.UnprotectPassword(stored.PasswordProtected));
        Assert.DoesNotContain(typeof(ProviderSummary).GetProperties(), p => p.Name.Contains("Password") && p.PropertyType == typeof(string));
    }

    [Fact]
    public async Task UpdateAsync_EmptyPassword_KeepsTheStoredOne()
    {
        var created = await Service.CreateAsync(alice, new ProviderInput { Name = "trunk", Server = "sip.example.com", AuthUsername = "acct1", Password = "first" });
        await Service.UpdateAsync(alice, created.Id, new ProviderInput { Name = "trunk", Server = "sip2.example.com", AuthUsername = "acct1" });

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var stored = await db.SipProviders.SingleAsync();
        Assert.Equal("first", Service.UnprotectPassword(stored.PasswordProtected));
        Assert.Equal("sip:sip2.example.com", stored.ServerUri);
    }

    [Theory]
    [InlineData("", "Server")]
    [InlineData("user@sip.example.com", "Server")]
    [InlineData("sip.example.com\r\nX-Evil: 1", "Server")]
    public async Task CreateAsync_BadServer_IsRefused(string server, string field)
    {
        var ex = await Assert.ThrowsAsync<PortalValidationException>(() => Service.CreateAsync(alice, new ProviderInput { Name = "trunk", Server = server }));
        Assert.Equal(field, ex.Field);
        Assert.Empty(await Service.ListAsync(alice));
    }

    [Fact]
    public async Task CreateAsync_ReservedOrDuplicateName_IsRefused()
    {
        await Assert.ThrowsAsync<PortalValidationException>(() => Service.CreateAsync(alice, new ProviderInput { Name = "local", Server = "sip.example.com" }));
        await Service.CreateAsync(alice, new ProviderInput { Name = "trunk", Server = "sip.example.com" });
        await Assert.ThrowsAsync<PortalValidationException>(() => Service.CreateAsync(alice, new ProviderInput { Name = "trunk", Server = "sip.example.com" }));
        // Another owner may use the same name.
        await Service.CreateAsync(mallory, new ProviderInput { Name = "trunk", Server = "sip.example.org" });
    }

    [Fact]
    public async Task OtherOwner_CannotReadChangeOrDeleteTheProvider()
    {
        var created = await Service.CreateAsync(alice, new ProviderInput { Name = "trunk", Server = "sip.example.com", AuthUsername = "a", Password = "p" });

        Assert.Empty(await Service.ListAsync(mallory));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Service.GetAsync(mallory, created.Id));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Service.UpdateAsync(mallory, created.Id, new ProviderInput { Name = "trunk", Server = "evil.example.com" }));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Service.DeleteAsync(mallory, created.Id));
        Assert.Equal("sip:sip.example.com", (await Service.GetAsync(alice, created.Id)).ServerUri);
    }

    [Fact]
    public async Task DeleteAsync_ProviderUsedByADialplan_IsRefused()
    {
        var created = await Service.CreateAsync(alice, new ProviderInput { Name = "trunk", Server = "sip.example.com" });
        await host.Get<DialplanService>().CreateAsync(alice, "default", "when /^0(\\d+)$/ then sys.Dial(\"$1@trunk\")");

        var ex = await Assert.ThrowsAsync<PortalValidationException>(() => Service.DeleteAsync(alice, created.Id));
        Assert.Contains("default", ex.Message);
    }

    [Fact]
    public async Task Dialplan_NamingTheNewProvider_NowValidates()
    {
        await Assert.ThrowsAsync<DialplanInvalidException>(() => host.Get<DialplanService>().CreateAsync(alice, "default", "when /^0(\\d+)$/ then sys.Dial(\"$1@trunk\")"));
        await Service.CreateAsync(alice, new ProviderInput { Name = "trunk", Server = "sip.example.com" });
        await host.Get<DialplanService>().CreateAsync(alice, "default", "when /^0(\\d+)$/ then sys.Dial(\"$1@trunk\")");
    }
}

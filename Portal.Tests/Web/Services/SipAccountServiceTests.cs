using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Auth;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Services;

public sealed class SipAccountServiceTests : IAsyncLifetime
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

    private SipAccountService Service => host.Get<SipAccountService>();

    [Fact]
    public async Task CreateAsync_ANameOfAProviderTokensForm_IsRefused_SoATokenNeverNamesAnAccount()
    {
        var error = await Assert.ThrowsAsync<PortalValidationException>(() =>
            Service.CreateAsync(alice, new SipAccountInput { Username = "p-0123456789abcdef", Password = "s3cret-pass" }));

        Assert.Contains("reserved for providers", error.Message);
        Assert.Empty(await Service.ListAsync(alice));
    }

    [Fact]
    public async Task CreateAsync_WithPassword_StoresOnlyDigestHashesForTheRealm()
    {
        await Service.CreateAsync(alice, new SipAccountInput { Username = "alice", Password = "s3cret-pass" });

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var stored = await db.SipAccounts.SingleAsync();
        // RFC 2617 HA1 = MD5("alice:sip.example.test:s3cret-pass"), computed independently.
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("alice:sip.example.test:s3cret-pass"u8)), stored.Ha1Md5);
        Assert.Equal(DigestHash.Ha1(DigestAlgorithm.Sha256, "alice", "sip.example.test", "s3cret-pass"), stored.Ha1Sha256);
        Assert.Equal("sip.example.test", stored.Realm);
        var row = string.Join("|", stored.Ha1Md5, stored.Ha1Sha256, stored.Username, stored.Realm);
        Assert.DoesNotContain("s3cret-pass", row);
    }

    [Theory]
    [InlineData("", "s3cret-pass", "Username")]
    [InlineData("Alice", "s3cret-pass", "Username")]
    [InlineData("a b", "s3cret-pass", "Username")]
    [InlineData("alice", "", "Password")]
    [InlineData("alice", "12345", "Password")]
    [InlineData("alice", "123456789", "Password")]
    public async Task CreateAsync_InvalidInput_NamesTheFieldAndChangesNothing(string username, string password, string field)
    {
        var ex = await Assert.ThrowsAsync<PortalValidationException>(() =>
            Service.CreateAsync(alice, new SipAccountInput { Username = username, Password = password }));
        Assert.Equal(field, ex.Field);
        Assert.Empty(await Service.ListAsync(alice));
    }

    [Fact]
    public async Task CreateAsync_UsernameTakenByAnotherOwner_IsRefused()
    {
        await Service.CreateAsync(alice, new SipAccountInput { Username = "front-desk", Password = "s3cret-pass" });
        var ex = await Assert.ThrowsAsync<PortalValidationException>(() =>
            Service.CreateAsync(mallory, new SipAccountInput { Username = "front-desk", Password = "other-pass-1" }));
        Assert.Contains("taken", ex.Message);
    }

    [Fact]
    public async Task CreateAsync_UnknownDialplan_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<PortalValidationException>(() =>
            Service.CreateAsync(alice, new SipAccountInput { Username = "alice", Password = "s3cret-pass", OutDialplanName = "default" }));
        Assert.Equal(nameof(SipAccountInput.OutDialplanName), ex.Field);
    }

    [Fact]
    public async Task CreateAsync_AnotherOwnersDialplan_IsRefused()
    {
        await host.Get<DialplanService>().CreateAsync(mallory, "default", "else sys.Respond(404, \"x\")");
        await Assert.ThrowsAsync<PortalValidationException>(() =>
            Service.CreateAsync(alice, new SipAccountInput { Username = "alice", Password = "s3cret-pass", OutDialplanName = "default" }));
    }

    [Fact]
    public async Task OtherOwner_CannotSeeReadChangeOrDeleteTheAccount()
    {
        var created = await Service.CreateAsync(alice, new SipAccountInput { Username = "alice", Password = "s3cret-pass" });

        Assert.Empty(await Service.ListAsync(mallory));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Service.GetAsync(mallory, created.Id));
        await Assert.ThrowsAsync<PortalNotFoundException>(() =>
            Service.UpdateAsync(mallory, created.Id, new SipAccountInput { Username = "alice", Password = "hijacked-pass", IsDisabled = true }));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Service.DeleteAsync(mallory, created.Id));

        var unchanged = await Service.GetAsync(alice, created.Id);
        Assert.False(unchanged.IsDisabled);
    }

    [Fact]
    public async Task UpdateAsync_WithoutPassword_KeepsTheHashes()
    {
        var created = await Service.CreateAsync(alice, new SipAccountInput { Username = "alice", Password = "s3cret-pass" });
        await Service.UpdateAsync(alice, created.Id, new SipAccountInput { Username = "alice", IsIncomingOnly = true });

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var stored = await db.SipAccounts.SingleAsync();
        Assert.Equal(DigestHash.Ha1(DigestAlgorithm.Md5, "alice", "sip.example.test", "s3cret-pass"), stored.Ha1Md5);
        Assert.True(stored.IsIncomingOnly);
    }

    [Fact]
    public async Task UpdateAsync_NewPassword_ReplacesTheHashes()
    {
        var created = await Service.CreateAsync(alice, new SipAccountInput { Username = "alice", Password = "s3cret-pass" });
        await Service.UpdateAsync(alice, created.Id, new SipAccountInput { Username = "alice", Password = "n3w-pass-word" });

        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(DigestHash.Ha1(DigestAlgorithm.Md5, "alice", "sip.example.test", "n3w-pass-word"), (await db.SipAccounts.SingleAsync()).Ha1Md5);
    }
}

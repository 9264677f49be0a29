using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Services;

public sealed class DialplanServiceTests : IAsyncLifetime
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

    private DialplanService Service => host.Get<DialplanService>();

    [Fact]
    public async Task UpdateAsync_ChangedSource_BumpsVersionAndKeepsHistory()
    {
        var created = await Service.CreateAsync(alice, "default", "else sys.Respond(404, \"a\")");
        var updated = await Service.UpdateAsync(alice, created.Id, "else sys.Respond(404, \"b\")");

        Assert.Equal(2, updated.Version);
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var history = await db.DialplanVersions.OrderBy(v => v.Version).Select(v => v.Source).ToListAsync();
        Assert.Equal(["else sys.Respond(404, \"a\")", "else sys.Respond(404, \"b\")"], history);
    }

    [Fact]
    public async Task CreateAsync_DuplicateName_IsRefusedWithAFieldError()
    {
        await Service.CreateAsync(alice, "transfer", DialplanTemplates.Transfer);
        var ex = await Assert.ThrowsAsync<PortalValidationException>(() => Service.CreateAsync(alice, "transfer", DialplanTemplates.Transfer));
        Assert.Equal("Name", ex.Field);
    }

    [Theory]
    [InlineData("", "Name")]
    [InlineData("Has Spaces", "Name")]
    [InlineData("UPPER", "Name")]
    public async Task CreateAsync_BadName_IsRefused(string name, string field)
    {
        var ex = await Assert.ThrowsAsync<PortalValidationException>(() => Service.CreateAsync(alice, name, "else sys.Respond(404, \"x\")"));
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public async Task CreateAsync_EmptySource_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<PortalValidationException>(() => Service.CreateAsync(alice, "default", "  \n"));
        Assert.Equal("Source", ex.Field);
    }

    [Fact]
    public async Task OtherOwner_CannotReadChangeOrDeleteTheDialplan()
    {
        var created = await Service.CreateAsync(alice, "transfer", DialplanTemplates.Transfer);

        Assert.Empty(await Service.ListAsync(mallory));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Service.GetAsync(mallory, created.Id));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Service.UpdateAsync(mallory, created.Id, "else sys.Dial(\"evil@example.com\")"));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Service.DeleteAsync(mallory, created.Id));
        Assert.Equal(DialplanTemplates.Transfer, (await Service.GetAsync(alice, created.Id)).Source);
    }

    [Fact]
    public async Task DeleteAsync_DialplanInUse_IsRefusedAndNamesTheAccount()
    {
        var dialplan = await Service.CreateAsync(alice, "default", DialplanTemplates.Outgoing);
        await host.Get<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "desk", Password = "s3cret-pass", OutDialplanName = "default" });

        var ex = await Assert.ThrowsAsync<PortalValidationException>(() => Service.DeleteAsync(alice, dialplan.Id));
        Assert.Contains("desk", ex.Message);
        Assert.Single(await Service.ListAsync(alice));
    }

    [Fact]
    public async Task SetAsync_ExistingName_ReplacesSource()
    {
        await Service.SetAsync(alice, "transfer", "else sys.Respond(404, \"a\")");
        var saved = await Service.SetAsync(alice, "transfer", "else sys.Respond(404, \"b\")");
        Assert.Equal(2, saved.Version);
        Assert.Single(await Service.ListAsync(alice));
    }

    [Fact]
    public async Task CreateAsync_InvalidRules_ReportsLineAndColumnAndSavesNothing()
    {
        var ex = await Assert.ThrowsAsync<DialplanInvalidException>(() =>
            Service.CreateAsync(alice, "default", "when /^1$/ then sys.Dial(\"a@example.com\")\nwhen /^2$/ then sys.Respond(99, \"x\")"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(2, error.Line);
        Assert.True(error.Column > 1);
        Assert.Empty(await Service.ListAsync(alice));
    }

    [Fact]
    public async Task UpdateAsync_UnknownProviderInDialString_IsRefused()
    {
        var created = await Service.CreateAsync(alice, "default", DialplanTemplates.Outgoing);
        var ex = await Assert.ThrowsAsync<DialplanInvalidException>(() =>
            Service.UpdateAsync(alice, created.Id, "when /^0(\\d+)$/ then sys.Dial(\"$1@myprovider\")"));
        Assert.Contains("myprovider", ex.Errors[0].Message);
        Assert.Equal(1, (await Service.GetAsync(alice, created.Id)).Version);
    }
}

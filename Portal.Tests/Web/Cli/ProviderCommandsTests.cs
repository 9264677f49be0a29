using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Cli;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Cli;

/// <summary><c>provider add</c> and <c>provider list</c>: an install's providers scripted, with the portal's validation.</summary>
public sealed class ProviderCommandsTests : IAsyncLifetime
{
    private PortalTestHost host = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        Assert.Equal(0, (await RunAsync("user", "add", "alice", "--email", "alice@example.test", "--password", "alice-password")).Exit);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "when /^(\\d+)$/ then sys.Dial(\"alice@local\")");
        Assert.Equal(0, (await RunAsync("dialplan", "set", "alice", "from-trunk", "--file", file)).Exit);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task ProviderAdd_WithRegisterAndInDialplan_CreatesItWithAToken_AndListShowsIt()
    {
        var add = await RunAsync("provider", "add", "alice", "trunk", "--server", "sip.example.net:5080", "--username", "acct1",
            "--password", "pr0vider-secret", "--register", "--in-dialplan", "from-trunk");

        Assert.True(add.Exit == 0, add.Err);
        var row = await SingleProviderAsync();
        Assert.Equal(("sip:sip.example.net:5080", "acct1", true, "from-trunk"), (row.ServerUri, row.AuthUsername, row.Register, row.InDialplanName));
        Assert.Matches(SipProvider.ContactTokenPattern, row.ContactToken);
        Assert.NotEqual("pr0vider-secret", row.PasswordProtected);
        Assert.Contains(row.ContactToken!, add.Out);

        var list = await RunAsync("provider", "list", "alice");
        Assert.Equal(0, list.Exit);
        var line = Assert.Single(list.Out.Split('\n'), l => l.StartsWith("trunk ", StringComparison.Ordinal));
        Assert.Contains("sip:sip.example.net:5080", line);
        Assert.Contains(row.ContactToken!, line);
        Assert.Contains("from-trunk", line);
        Assert.DoesNotContain("pr0vider-secret", list.Out);
    }

    [Fact]
    public async Task ProviderList_NoProviders_SaysSo()
    {
        var list = await RunAsync("provider", "list", "alice");
        Assert.Equal(0, list.Exit);
        Assert.Contains("alice has no providers.", list.Out);
    }

    [Theory]
    [InlineData("no-such-user", "sip.example.net", null, "No portal user named 'no-such-user'")]
    [InlineData("alice", "not a host!", null, "Enter the provider's SIP server as a host name")]
    [InlineData("alice", "sip.example.net", "no-such-plan", "no dialplan named 'no-such-plan'")]
    public async Task ProviderAdd_BadInput_ExplainsExitsNonZero_AndChangesNothing(string owner, string server, string? inDialplan, string message)
    {
        string[] args = ["provider", "add", owner, "trunk", "--server", server, "--username", "acct1", "--password", "pr0vider-secret", "--register"];
        var result = await RunAsync(inDialplan is null ? args : [.. args, "--in-dialplan", inDialplan]);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains(message, result.Err, StringComparison.OrdinalIgnoreCase);
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.SipProviders.ToListAsync());
    }

    [Fact]
    public async Task ProviderAdd_InDialplanWithoutRegister_IsRefused()
    {
        var result = await RunAsync("provider", "add", "alice", "trunk", "--server", "sip.example.net", "--in-dialplan", "from-trunk");

        Assert.Equal(AdminCommands.ExitInvalid, result.Exit);
        Assert.Contains("Incoming calls need Register on", result.Err);
    }

    [Fact]
    public async Task ProviderAdd_MissingServer_IsAParseError()
    {
        var result = await RunAsync("provider", "add", "alice", "trunk");
        Assert.NotEqual(0, result.Exit);
        Assert.Contains("--server", result.Err);
    }

    private async Task<SipProvider> SingleProviderAsync()
    {
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var alice = await host.Get<UserManager<PortalUser>>().FindByNameAsync("alice");
        return await db.SipProviders.AsNoTracking().SingleAsync(p => p.OwnerId == alice!.Id);
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AdminCommandLine.RunAsync(host.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}

using System.Net.Sockets;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// DESIGN §10 with real peers on 127.0.0.1: an anonymous caller reaches alice through her in dialplan, which rings a
/// sipp voice app; its REFER gets 403 and nothing is dialled (a UDP socket on the would-be target's port hears
/// nothing), unless alice's account lets callers transfer. An anonymous INVITE for a foreign host is not relayed.
/// (A REFER from alice's own authenticated phone: <see cref="TransferTests"/>.)
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class ReferPolicyTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);
    private readonly PortalWebFactory factory = new();
    private readonly int voiceAppPort = PeerProcess.FreePort();
    private readonly int targetPort = PeerProcess.FreePort();
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        factory.StartKestrel();
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await using var scope = factory.Services.CreateAsyncScope();
        var dialplans = scope.ServiceProvider.GetRequiredService<DialplanService>();
        await dialplans.SetAsync(alice, "in", $"else sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")");
        await dialplans.SetAsync(alice, "transfer", $"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task AnAnonymousCallersRefer_Gets403_NothingIsDialled_AndAliceSeesItAudited()
    {
        await UseInDialplanAsync(callersMayTransfer: false);
        using var target = new UdpClient(new IPEndPoint(IPAddress.Loopback, targetPort));
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);

        var (exit, output) = await CallAliceAsync("refer-anonymous-refused.xml");

        await voiceApp.WaitForExitAsync(PeerTimeout);
        Assert.True(exit == 0 && voiceApp.ExitCode == 0, $"--- caller ---\n{output}\n--- voice app ---\n{voiceApp.Output}");
        Assert.Equal(0, target.Available);
        var entry = await WaitForAuditAsync(CallRefusal.ReferRefused);
        Assert.Equal(("REFER", "127.0.0.1"), (entry.Actor, entry.SourceIp));
        Assert.Null((await factory.WaitForEndedCallRecordAsync()).TransferredTo);
    }

    [Fact]
    public async Task WithCallersMayTransfer_TheAnonymousCallersRefer_IsHonoured()
    {
        await UseInDialplanAsync(callersMayTransfer: true);
        await using var voiceApp = Sipp.StartUas("transfer-reinvited-callee.xml", voiceAppPort, extra: ["-d", "500"]);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);

        var (exit, output) = await CallAliceAsync("refer-anonymous-transferor.xml");

        await voiceApp.WaitForExitAsync(PeerTimeout);
        await target.WaitForExitAsync(PeerTimeout);
        Assert.True(exit == 0 && voiceApp.ExitCode == 0 && target.ExitCode == 0,
            $"--- caller ---\n{output}\n--- voice app ---\n{voiceApp.Output}\n--- target ---\n{target.Output}");
        Assert.StartsWith("5551234 (", (await factory.WaitForEndedCallRecordAsync()).TransferredTo);
    }

    [Fact]
    public async Task AnAnonymousInviteForAForeignHost_Gets407_AndNothingIsRelayed()
    {
        var (exit, output) = await Sipp.RunAsync("invite-foreign-host.xml", factory.SipPort, timeout: PeerTimeout);

        Assert.True(exit == 0, output);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.False(await db.CallRecords.AnyAsync());
        Assert.Equal(0, factory.Services.GetRequiredService<Portal.SipIntegration.SipHostedService>().Calls.Count);
    }

    private Task<(int ExitCode, string Output)> CallAliceAsync(string scenario) =>
        Sipp.RunAsync(scenario, factory.SipPort, service: "alice", timeout: PeerTimeout, extra: ["-d", "0"]);

    private async Task UseInDialplanAsync(bool callersMayTransfer)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<SipAccountService>();
        var account = (await accounts.ListAsync(alice)).Single();
        await accounts.UpdateAsync(alice, account.Id,
            new SipAccountInput { Username = account.Username, InDialplanName = "in", CallersMayTransfer = callersMayTransfer });
    }

    private async Task<Portal.Data.Entities.AuditEntry> WaitForAuditAsync(string action)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            var entry = await db.AuditEntries.AsNoTracking().FirstOrDefaultAsync(a => a.Action == action && a.OwnerId == alice.UserId);
            if (entry is not null || DateTime.UtcNow > deadline)
            {
                Assert.True(entry is not null, $"no {action} audit entry for alice");
                return entry;
            }

            await Task.Delay(100);
        }
    }
}

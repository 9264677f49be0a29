using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Calls whose legs use TCP (RFC 3261 §18): a sipp phone over UDP or TCP dials, through alice's out dialplan, a
/// sipp callee reached over UDP or TCP (<c>;transport=tcp</c> in the dial string); each side hangs up in turn.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class TransportTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);
    private readonly PortalWebFactory factory = new();
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        factory.StartKestrel();
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Theory]
    [InlineData("t1", "t1")]
    [InlineData("u1", "t1")]
    [InlineData("t1", "u1")]
    public async Task ACallOverTheseTransports_IsAnswered_AndTheCallerHangsUp(string callerTransport, string calleeTransport)
    {
        await CallAsync(callerTransport, calleeTransport, "call-uac-auth.xml", "call-uas-answer.xml");

        Assert.Equal((CallStatus.Completed, "caller hung up"), await WaitForEndedRecordAsync());
    }

    [Theory]
    [InlineData("t1", "t1")]
    [InlineData("u1", "t1")]
    [InlineData("t1", "u1")]
    public async Task ACallOverTheseTransports_IsAnswered_AndTheCalleeHangsUp(string callerTransport, string calleeTransport)
    {
        await CallAsync(callerTransport, calleeTransport, "call-uac-auth-callee-hangs-up.xml", "call-uas-answer-then-bye.xml");

        Assert.Equal((CallStatus.Completed, "callee hung up"), await WaitForEndedRecordAsync());
    }

    /// <summary>Places the call and asserts that both sipp peers went through their scenarios.</summary>
    private async Task CallAsync(string callerTransport, string calleeTransport,
        string callerScenario, string calleeScenario)
    {
        var port = PeerProcess.FreePort();
        var transport = calleeTransport == "t1" ? ";transport=tcp" : "";
        await factory.UseOutDialplanAsync(alice, "alice", $"when \"uas\" then sys.Dial(\"uas@127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{transport}[fu=xfer-#{{sys.CallNumber}}]\")");
        await using var callee = Sipp.StartUas(calleeScenario, port, transport: calleeTransport);
        var (exit, output) = await Sipp.RunAsync(callerScenario, factory.SipPort, transport: callerTransport, service: "uas",
            authUser: "alice", authPassword: "s3cret-pass", timeout: PeerTimeout, extra: ["-d", "500"]);
        await callee.WaitForExitAsync(PeerTimeout);
        Assert.True(exit == 0 && callee.ExitCode == 0, output + "\n--- callee ---\n" + callee.Output);
    }

    private async Task<(CallStatus, string?)> WaitForEndedRecordAsync()
    {
        var record = await factory.WaitForEndedCallRecordAsync();
        return (record.Status, record.HangupReason);
    }
}

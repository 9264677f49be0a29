using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The service on a public address, attacked with the attackers' own tools (DESIGN §10): SIPVicious svwar looks
/// for accounts, svcrack guesses a password, sipp floods INVITEs. Each must fail while others are still served.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.Name)]
public sealed class HostileTrafficTests : IAsyncLifetime
{
    private const int FirstAccount = 1001;
    private const int Accounts = 20;

    private readonly PortalWebFactory factory = new();
    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), $"portal-hostile-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(workDirectory);
        factory.StartKestrel();
        var owner = await factory.CreateUserWithSipAccountAsync("owner", "owner-phone", Password(0));
        await using var scope = factory.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<SipAccountService>();
        for (var i = FirstAccount; i < FirstAccount + Accounts; i++)
        {
            await accounts.CreateAsync(owner, new SipAccountInput { Username = Name(i), Password = Password(i) });
        }
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        Directory.Delete(workDirectory, recursive: true);
    }

    [Theory]
    [InlineData("REGISTER")]
    [InlineData("INVITE")]
    [InlineData("OPTIONS")]
    public async Task Svwar_ScanningTheExtensionRange_FindsNoneOfTheAccounts(string method)
    {
        var (exit, output) = await PeerProcess.RunAsync("svwar",
            ["--force", "-m", method, "-e", $"{FirstAccount - 100}-{FirstAccount + Accounts + 100}", $"udp://127.0.0.1:{factory.SipPort}"],
            TimeSpan.FromMinutes(2), workDirectory);

        Assert.True(exit == 0, output);
        for (var i = FirstAccount; i < FirstAccount + Accounts; i++)
        {
            Assert.DoesNotContain($"| {Name(i)} ", output);
        }
    }

    [Fact]
    public async Task Svcrack_WithTheRightPasswordEarlyInItsList_FindsIt()
    {
        // The control: svcrack does work against this service, so the next test failing to crack means something.
        var (exit, output) = await CrackAsync(Name(FirstAccount), rightPasswordAt: 3);
        Assert.True(exit == 0, output);
        Assert.Contains(Password(FirstAccount), output);
    }

    [Fact]
    public async Task Svcrack_With300WordsHoldingTheRightPassword_DoesNotFindIt()
    {
        var account = Name(FirstAccount + 1);
        var (exit, output) = await CrackAsync(account, rightPasswordAt: 250);

        Assert.True(exit == 0, output);
        Assert.DoesNotContain(Password(FirstAccount + 1), output);
    }

    [Fact]
    public async Task InviteFloodFromOneAddress_IsBanned_WhileOptionsFromAnotherAreAnswered()
    {
        // 2,000 INVITEs a second for three seconds from 127.0.0.1; a monitor on 127.0.0.2 keeps asking OPTIONS.
        await using var flood = Sipp.Start(["127.0.0.1:" + factory.SipPort, "-sf", Sipp.Scenario("flood-invite.xml"), "-i", "127.0.0.1",
            "-p", PeerProcess.FreePort().ToString(CultureInfo.InvariantCulture), "-r", "2000", "-m", "6000", "-buff_size", "4194304",
            "-timeout", "30s"]);
        var answered = await SipOptionsProbe.CountAnsweredAsync(IPAddress.Parse("127.0.0.2"), factory.SipPort, count: 100,
            interval: TimeSpan.FromMilliseconds(30), patience: TimeSpan.FromSeconds(2));
        await flood.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(answered >= 99, $"{answered} of 100 OPTIONS answered during the flood");
        // The flooder itself is now ignored: its OPTIONS go unanswered until the ban ends.
        Assert.Equal(0, await SipOptionsProbe.CountAnsweredAsync(IPAddress.Loopback, factory.SipPort, count: 5,
            interval: TimeSpan.FromMilliseconds(10), patience: TimeSpan.FromSeconds(1)));
    }

    private async Task<(int ExitCode, string Output)> CrackAsync(string account, int rightPasswordAt)
    {
        var words = Enumerable.Range(1, 299).Select(i => $"guess-{i:D3}").ToList();
        words.Insert(rightPasswordAt - 1, Password(int.Parse(account, CultureInfo.InvariantCulture)));
        var list = Path.Combine(workDirectory, $"words-{account}.txt");
        await File.WriteAllLinesAsync(list, words);
        return await PeerProcess.RunAsync("svcrack", ["-u", account, "-d", list, $"udp://127.0.0.1:{factory.SipPort}"],
            TimeSpan.FromMinutes(2), workDirectory);
    }

    private static string Name(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static string Password(int number) => $"correct-horse-{number}";
}

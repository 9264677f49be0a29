using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Portal.Services;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Records;
using Portal.SipIntegration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// What an operator watches (issue 12 §2), against the running app with real sipp peers: <c>/metrics</c> scraped
/// while a call is up and after it, and the correlation id that ties one call's SIP and HTTP log lines together
/// through a blind transfer.
/// </summary>
[Trait("Category", "Peers")]
[Collection(EndToEndCollection.ProcessWideMetrics)]
public sealed class ObservabilityTests : IAsyncLifetime
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);
    private readonly FakeLogCollector logs = new();
    private readonly PortalWebFactory factory;
    private readonly int voiceAppPort = PeerProcess.FreePort();
    private readonly int targetPort = PeerProcess.FreePort();
    private PortalCaller alice = null!;
    private HttpClient http = null!;

    public ObservabilityTests() => factory = new PortalWebFactory().WithLogger(new FakeLoggerProvider(logs));

    public async Task InitializeAsync()
    {
        http = new HttpClient { BaseAddress = factory.StartKestrel() };
        alice = await factory.CreateUserWithSipAccountAsync("alice", "alice", "s3cret-pass");
        await factory.UseOutDialplanAsync(alice, "alice", $"when /^232$/ then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")");
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DialplanService>()
            .SetAsync(alice, "transfer", $"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")");
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await factory.DisposeAsync();
    }

    private CallManager Calls => factory.Services.GetRequiredService<SipHostedService>().Calls;

    [Fact]
    public async Task Metrics_ScrapedDuringARealCallAndAfter_ShowItInProgressThenAnswered()
    {
        await using var voiceApp = Sipp.StartUas("call-uas-answer.xml", voiceAppPort);
        var caller = CallAsAliceAsync("call-uac-auth.xml", holdMilliseconds: 3000);
        await WaitForAnsweredCallAsync();

        var during = await ScrapeUntilAsync(m => m.Value("portal_sip_calls_active") == 1);
        Assert.Equal(1, during.Value("portal_sip_call_attempts_total", ("direction", "outbound")));
        Assert.Null(during.Value("portal_sip_call_outcomes_total", ("outcome", "answered")));
        // The phone's INVITE was challenged (407), then sent again with credentials; the service placed one leg.
        Assert.True(during.Value("portal_sip_messages_total", ("direction", "in"), ("kind", "request"), ("method", "INVITE")) >= 2, during.Text);
        Assert.True(during.Value("portal_sip_messages_total", ("direction", "out"), ("kind", "request"), ("method", "INVITE")) >= 1, during.Text);
        Assert.True(during.Value("portal_sip_messages_total", ("direction", "out"), ("kind", "response"), ("method", "INVITE")) >= 2, during.Text);

        var (exit, output) = await caller;
        Assert.True(exit == 0, output);
        (await http.GetAsync("/healthz")).Dispose();
        var after = await ScrapeUntilAsync(m => m.Value("portal_sip_calls_active") == 0
            && m.Value("portal_sip_call_outcomes_total", ("outcome", "answered")) == 1
            && m.Value("http_server_request_duration_seconds_count", ("http_route", "/healthz")) >= 1);
        Assert.Equal(1, after.Value("portal_sip_call_attempts_total", ("direction", "outbound")));
        Assert.True(after.Value("portal_sip_messages_total", ("direction", "in"), ("kind", "request"), ("method", "BYE")) >= 1, after.Text);
        // ASP.NET Core's and the runtime's own metrics come with them.
        Assert.Matches(new Regex("^(dotnet|process_runtime_dotnet)_gc_", RegexOptions.Multiline), after.Text);
    }

    [Fact]
    public async Task ABlindTransfer_ItsSipAndHttpLogLinesShareTheCallsId_AndTheTransferIsCounted()
    {
        await using var voiceApp = Sipp.StartUas("transfer-voice-app.xml", voiceAppPort);
        await using var target = Sipp.StartUas("transfer-target.xml", targetPort, extra: ["-d", "200"]);
        var caller = CallAsAliceAsync("transfer-caller.xml", holdMilliseconds: 1000);

        var call = await WaitForAnsweredCallAsync();
        var key = await factory.CreateCallManagerKeyAsync(alice);
        using var response = await http.GetAsync($"/callmanager/blindtransfer?user=alice&callid={Uri.EscapeDataString(call.AnsweredLeg!.CallId)}"
            + $"&destination=5551234&wait=20&key={Uri.EscapeDataString(key.Key)}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var (exit, output) = await caller;
        Assert.True(exit == 0, output);
        var metrics = await ScrapeUntilAsync(m => m.Value("portal_sip_calls_active") == 0);

        var lines = logs.GetSnapshot();
        var api = Assert.Single(lines, l => l.Category == "Portal.Api.CallManagerApi" && l.Message.Contains(" started by ", StringComparison.Ordinal));
        Assert.Equal(call.Number, CallNumberOf(api));
        var sip = lines.Where(l => l.Category?.StartsWith("Portal.Sip.", StringComparison.Ordinal) == true && CallNumberOf(l) == call.Number).ToList();
        Assert.Contains(sip, l => l.Message.StartsWith($"Call {call.Number} (", StringComparison.Ordinal));      // the INVITE
        Assert.Contains(sip, l => l.Message.Contains(" requested by key:", StringComparison.Ordinal));           // the transfer's start
        Assert.Contains(sip, l => l.Message.Contains(" Answered: ", StringComparison.Ordinal));                   // its outcome
        Assert.Contains(sip, l => l.Message.StartsWith($"Call {call.Number} ended", StringComparison.Ordinal)); // the caller's BYE
        // Every line about the call, whichever side wrote it, carries its id.
        var aboutTheCall = new Regex($@"^Call {call.Number}\b|call {call.Number}\b");
        Assert.All(lines.Where(l => aboutTheCall.IsMatch(l.Message)), l => Assert.True(CallNumberOf(l) == call.Number, $"{l.Category}: {l.Message}"));

        Assert.Equal(1, metrics.Value("portal_sip_transfers_total", ("outcome", "answered")));
        Assert.Equal(1, metrics.Value("portal_sip_transfer_latency_seconds_count"));
        Assert.True(metrics.Value("portal_sip_messages_total", ("direction", "out"), ("kind", "request"), ("method", "BYE")) >= 1, metrics.Text);
    }

    /// <summary>The <c>CallNumber</c> of the innermost call scope the line was written in; null outside any.</summary>
    private static long? CallNumberOf(FakeLogRecord line) =>
        line.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>()
            .SelectMany(scope => scope)
            .Where(p => p.Key == CallLogScope.PropertyName)
            .Select(p => (long?)Convert.ToInt64(p.Value, CultureInfo.InvariantCulture))
            .LastOrDefault();

    private Task<(int ExitCode, string Output)> CallAsAliceAsync(string scenario, int holdMilliseconds) =>
        Sipp.RunAsync(scenario, factory.SipPort, service: "232", authUser: "alice", authPassword: "s3cret-pass", timeout: PeerTimeout,
            extra: ["-d", holdMilliseconds.ToString(CultureInfo.InvariantCulture)]);

    private async Task<CallSnapshot> WaitForAnsweredCallAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (Calls.GetCalls(alice.UserId).FirstOrDefault(c => c.State == CallState.Answered) is { } call)
            {
                return call;
            }

            await Task.Delay(20);
        }

        Assert.Fail("No call of alice's was answered.");
        return null!;
    }

    /// <summary>Scrapes <c>/metrics</c> until <paramref name="condition"/> holds (the exporter caches a scrape for 300 ms).</summary>
    private async Task<PrometheusScrape> ScrapeUntilAsync(Func<PrometheusScrape, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            using var response = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var scrape = new PrometheusScrape(await response.Content.ReadAsStringAsync());
            if (condition(scrape))
            {
                return scrape;
            }

            Assert.True(DateTime.UtcNow < deadline, "The metrics never showed what was expected:\n" + scrape.Text);
            await Task.Delay(200);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;

using Portal.Sip.Messages;

// Measures how long a blind transfer takes from the voice app's request to the INVITE for the new destination
// (issue 5): the real service (Portal.dll) runs on 127.0.0.1 with a sipp caller talking to a sipp voice app;
// this program is the HTTP client and the new destination. The new destination answers every INVITE with 486,
// so the call stays with the voice app and is transferred again, the given number of times. The time runs from
// just before the HTTP request is sent to the moment the INVITE is read from this program's UDP socket, so it
// includes the HTTP client and loopback on both sides: an upper bound. The service's own figure, from the
// request's arrival at the endpoint to the INVITE handed to the transport, comes back as the transfer's
// dialDelayMs (JSON) and is reported beside it.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Portal.TransferLatency <path to Portal.dll> <sipp scenario folder> [transfers=200] [background calls/s=0] [load scenario folder]");
    return 2;
}

var portalDll = Path.GetFullPath(args[0]);
var scenarios = Path.GetFullPath(args[1]);
var transfers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
// Background load (issue 11): calls a second through the service while the transfers are measured, made by the
// load bench's sipp caller (digest, straight to BYE) to a sipp callee that answers at once.
var loadRate = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
var loadScenarios = args.Length > 4 ? Path.GetFullPath(args[4]) : null;
var loadCalleePort = FreePort();
const int Warmup = 20;
var invariant = CultureInfo.InvariantCulture;
var work = Directory.CreateTempSubdirectory("transfer-latency-").FullName;
var (httpPort, sipPort, voiceAppPort) = (FreePort(), FreePort(), FreePort());
using var target = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
var targetPort = ((IPEndPoint)target.Client.LocalEndPoint!).Port;
string[] config =
[
    $"--ConnectionStrings:Portal=Data Source={Path.Combine(work, "portal.db")}",
    $"--Portal:DataProtectionKeysPath={Path.Combine(work, "keys")}",
    "--Portal:Admin:Email=admin@bench.test", "--Portal:Admin:Password=bench-admin-password",
    // The digest realm the SIP password is hashed for; also the From host the voice app scenario expects.
    "--Sip:Domains=sip.example.test",
    // The voice app and the transfer target listen on 127.0.0.1, which the default direct-dialling policy refuses.
    "--Sip:DirectDial:DeniedNetworks=none",
    // The same call is transferred again and again (each attempt is refused by the target); DESIGN §10 bounds the
    // transfers of one call, which this measurement is not about.
    "--Sip:MaxTransfersPerCall=100000",
];
var processes = new List<Process>();
try
{
    File.WriteAllText(Path.Combine(work, "default.rules"), $"when /^232$/ then sys.Dial(\"app@127.0.0.1:{voiceAppPort}[fu=xfer-#{{sys.CallNumber}}]\")\n" +
        $"when /^bench$/ then sys.Dial(\"bench@127.0.0.1:{loadCalleePort}\")\n");
    File.WriteAllText(Path.Combine(work, "transfer.rules"), $"when /^(\\d+)$/ then sys.Dial(\"$1@127.0.0.1:{targetPort}\")\n");
    await AdminAsync("user", "add", "alice", "--email", "alice@bench.test", "--password", "alice-password");
    await AdminAsync("dialplan", "set", "alice", "default", "--file", Path.Combine(work, "default.rules"));
    await AdminAsync("dialplan", "set", "alice", "transfer", "--file", Path.Combine(work, "transfer.rules"));
    await AdminAsync("sip-account", "add", "alice", "alice", "--password", "s3cret-pass", "--out-dialplan", "default");
    // The command prints a sentence, then the key alone on the last line.
    var key = (await AdminAsync("key", "create", "alice", "--name", "bench")).Trim().Split('\n')[^1].Trim();

    processes.Add(Start("dotnet", [portalDll, .. config, $"--urls=http://127.0.0.1:{httpPort}", $"--Sip:Listen=udp:127.0.0.1:{sipPort}",
        "--CallManager:RateLimit:PerUserPerMinute=1000000", "--CallManager:RateLimit:PerAddressPerMinute=1000000",
        "--Logging:LogLevel:Default=Warning", "--environment=Production", .. LoadSettings(loadRate)], discardOutput: true));
    Console.Error.WriteLine("starting the service");
    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    http.DefaultRequestHeaders.Accept.Add(new("application/json"));
    await WaitUntilAsync(async () => (await TryGetAsync(http, "/callmanager/isalive")) == HttpStatusCode.OK, "the service to start");

    processes.Add(Start("sipp", ["-sf", Path.Combine(scenarios, "call-uas-answer.xml"), "-i", "127.0.0.1", "-p", voiceAppPort.ToString(invariant),
        "-m", "1", "-nostdin"], discardOutput: true));
    processes.Add(Start("sipp", [$"127.0.0.1:{sipPort}", "-sf", Path.Combine(scenarios, "call-uac-auth.xml"), "-i", "127.0.0.1",
        "-p", FreePort().ToString(invariant), "-s", "232", "-au", "alice", "-ap", "s3cret-pass", "-d", "3600000", "-m", "1", "-nostdin"], discardOutput: true));

    var invites = Channel.CreateUnbounded<(SipRequest Message, long Arrived, IPEndPoint From)>();
    _ = ReceiveInvitesAsync(target, invites.Writer);
    if (loadRate > 0)
    {
        // After the measured call has its number (the transfer request names it by "xfer-1"), so the load's
        // calls come second.
        await Task.Delay(TimeSpan.FromSeconds(2));
        if (loadScenarios is null)
        {
            throw new InvalidOperationException("a background load needs the load bench's scenario folder (bench/scenarios)");
        }

        processes.Add(Start("sipp", ["-sf", Path.Combine(loadScenarios, "load-callee.xml"), "-i", "127.0.0.1", "-p", loadCalleePort.ToString(invariant),
            "-buff_size", "4194304", "-nostdin"], discardOutput: true));
        processes.Add(Start("sipp", [$"127.0.0.1:{sipPort}", "-sf", Path.Combine(loadScenarios, "load-caller.xml"), "-s", "bench",
            "-au", "alice", "-ap", "s3cret-pass", "-i", "127.0.0.1", "-p", FreePort().ToString(invariant), "-r", loadRate.ToString(invariant),
            "-m", (loadRate * 3600).ToString(invariant), "-buff_size", "4194304", "-nostdin"], discardOutput: true));

        // Past the JIT's tier-up before anything is measured (at least 3,000 calls, as the load bench warms up).
        var warmup = TimeSpan.FromSeconds(Math.Max(10, 3000.0 / loadRate));
        Console.Error.WriteLine($"background load: {loadRate} calls/s; warming up for {warmup.TotalSeconds:0} s");
        await Task.Delay(warmup);
    }

    var url = $"/callmanager/blindtransfer?user=alice&callid=xfer-1&destination=5551234&wait=10&key={Uri.EscapeDataString(key)}";
    var samples = new List<double>();
    var serverSamples = new List<double>();
    for (var i = 0; i < transfers + Warmup; i++)
    {
        var started = Stopwatch.GetTimestamp();
        var request = http.GetAsync(url);
        var invite = invites.Reader.ReadAsync().AsTask();
        if (await Task.WhenAny(request, invite) == request && !invite.IsCompleted)
        {
            // Before the call is answered the request is refused (404/409): try again shortly.
            using var refused = await request;
            if (i == 0 && refused.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
            {
                await Task.Delay(100);
                i--;
                continue;
            }

            // (The pending read would take the next INVITE; the run stops here anyway.)

            throw new InvalidOperationException($"transfer {i}: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
        }

        var (message, arrived, from) = await invite;
        if (i >= Warmup)
        {
            samples.Add(Stopwatch.GetElapsedTime(started, arrived).TotalMilliseconds);
        }

        var busy = message.CreateResponse(SipStatusCodes.BusyHere, null, "busy" + i.ToString(invariant));
        await target.SendAsync(busy.ToBytes(), from);
        using var outcome = await request;
        var body = await outcome.Content.ReadAsStringAsync();
        if (outcome.StatusCode != HttpStatusCode.BadGateway)
        {
            throw new InvalidOperationException($"transfer {i}: expected 502, got {(int)outcome.StatusCode} {body}");
        }

        if (i >= Warmup)
        {
            using var json = JsonDocument.Parse(body);
            serverSamples.Add(json.RootElement.GetProperty("transfer").GetProperty("dialDelayMs").GetDouble());
        }
    }

    Report("request arrived → INVITE sent (the service's dialDelayMs)", serverSamples);
    Report("request sent → INVITE received (this client)", samples);
    return 0;

    void Report(string what, List<double> values)
    {
        values.Sort();
        Console.WriteLine($"{values.Count} transfers, {what}, ms: median {Percentile(values, 50):0.00}, p90 {Percentile(values, 90):0.00}, " +
            $"p99 {Percentile(values, 99):0.00}, min {values[0]:0.00}, max {values[^1]:0.00}");
    }

    static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
finally
{
    foreach (var process in processes)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    Directory.Delete(work, recursive: true);
}

async Task<string> AdminAsync(params string[] command)
{
    Console.Error.WriteLine("portal " + string.Join(' ', command));
    using var process = Start("dotnet", [portalDll, .. command, .. config]);
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    return process.ExitCode == 0
        ? output
        : throw new InvalidOperationException($"{string.Join(' ', command)} failed: {output}{await process.StandardError.ReadToEndAsync()}");
}

// What the load bench sets so that one user calling from one address at this rate is not taken for an attack
// (flood ban, failed-auth blocks, per-owner velocity limits; DESIGN §10).
static string[] LoadSettings(int loadRate) => loadRate <= 0 ? [] :
[
    "--Sip:Limits:RequestsPerSecondPerAddress=0", "--Sip:MaxConcurrentCallsPerOwner=100000",
    "--Sip:Limits:AuthFailuresPerAddress=1000000", "--Sip:Limits:AuthFailuresPerAccount=1000000",
    "--Sip:MaxCallsPerHourPerOwner=0", "--Sip:MaxCallsPerDayPerOwner=0", "--Sip:MaxDialplanEvaluationsPerOwner=1000",
];

static Process Start(string file, IEnumerable<string> arguments, bool discardOutput = false)
{
    var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    var process = Process.Start(start)!;
    if (discardOutput)
    {
        // Long-running peers: read their output away so a full pipe never blocks them.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    return process;
}

// Every INVITE the new destination receives, stamped as it is read; the ACKs for the 486 are dropped.
static async Task ReceiveInvitesAsync(UdpClient socket, ChannelWriter<(SipRequest Message, long Arrived, IPEndPoint From)> invites)
{
    while (true)
    {
        var datagram = await socket.ReceiveAsync();
        var arrived = Stopwatch.GetTimestamp();
        if (SipMessageParser.Parse(datagram.Buffer).Message is SipRequest { Method.Name: "INVITE" } invite)
        {
            await invites.WriteAsync((invite, arrived, datagram.RemoteEndPoint));
        }
    }
}

static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
{
    try
    {
        using var response = await http.GetAsync(path);
        return response.StatusCode;
    }
    catch (HttpRequestException)
    {
        return null;
    }
}

static async Task WaitUntilAsync(Func<Task<bool>> done, string what)
{
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (!await done())
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException("Timed out waiting for " + what);
        }

        await Task.Delay(200);
    }
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
    using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
    return port;
}

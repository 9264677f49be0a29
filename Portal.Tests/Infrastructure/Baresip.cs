using System.Globalization;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A headless baresip phone: its own config folder, SIP on a free 127.0.0.1 port, the ctrl_tcp module for
/// control, and a sine-wave audio source so it can answer calls (DESIGN §9).
/// </summary>
public sealed class Baresip : IAsyncDisposable
{
    private readonly string directory;

    private Baresip(string directory, PeerProcess process, int sipPort, int controlPort)
    {
        this.directory = directory;
        Process = process;
        SipPort = sipPort;
        ControlPort = controlPort;
    }

    public PeerProcess Process { get; }

    public int SipPort { get; }

    public int ControlPort { get; }

    /// <summary>
    /// Starts baresip with one account registering to the service and waits until it is ready. baresip binds its SIP
    /// port for UDP and TCP and the next port for TLS; ports are picked at run time, so another process can take one
    /// between the check and baresip's bind. A start that fails that way is retried on fresh ports.
    /// </summary>
    /// <param name="outboundProxy">A host:port every request goes through first (baresip's <c>outbound</c>), or null.</param>
    public static async Task<Baresip> StartAsync(string user, string password, int servicePort, string transport = "udp",
        int registerSeconds = 600, string? outboundProxy = null)
    {
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var phone = Start(user, password, servicePort, transport, registerSeconds, outboundProxy);
            try
            {
                await phone.Process.WaitForOutputAsync("baresip is ready.", TimeSpan.FromSeconds(20));
                return phone;
            }
            catch (TimeoutException) when (attempt < attempts && phone.Process.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                await phone.DisposeAsync();
            }
            catch
            {
                await phone.DisposeAsync();
                throw;
            }
        }
    }

    private static Baresip Start(string user, string password, int servicePort, string transport, int registerSeconds, string? outboundProxy)
    {
        var directory = Directory.CreateTempSubdirectory("baresip-").FullName;
        var sipPort = PeerProcess.FreePort(extraTcpPorts: 1);
        // Keep the control port clear of the SIP ports.
        var controlPort = PeerProcess.FreePort();
        while (controlPort - sipPort is >= -2 and <= 2)
        {
            controlPort = PeerProcess.FreePort();
        }

        var invariant = CultureInfo.InvariantCulture;
        File.WriteAllText(Path.Combine(directory, "config"), string.Join('\n',
            "poll_method epoll",
            $"sip_listen 127.0.0.1:{sipPort.ToString(invariant)}",
            // Bind to loopback only; without it baresip 1.0 sends from the default interface and fails locally.
            "net_interface 127.0.0.1",
            "audio_player aufile,/dev/null",
            "audio_source ausine,440",
            "audio_alert aufile,/dev/null",
            "ausrc_srate 48000",
            "auplay_srate 48000",
            "ausrc_channels 2",
            "auplay_channels 2",
            "rtp_ports 20000-29999",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module ausine.so",
            "module aufile.so",
            "module_app account.so",
            // menu provides the dial and hangup commands that ctrl_tcp runs.
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            $"ctrl_tcp_listen 127.0.0.1:{controlPort.ToString(invariant)}",
            "") );
        File.WriteAllText(Path.Combine(directory, "accounts"),
            $"<sip:{user}@127.0.0.1:{servicePort.ToString(invariant)};transport={transport}>;auth_pass={password};regint={registerSeconds.ToString(invariant)};answermode=auto" +
            (outboundProxy is null ? "" : $";outbound=\"sip:{outboundProxy};transport={transport}\"") + "\n");
        var process = PeerProcess.Start("baresip", ["-f", directory, "-v"], directory);
        return new Baresip(directory, process, sipPort, controlPort);
    }

    /// <summary>
    /// Sends one ctrl_tcp command (a netstring holding JSON, e.g. <c>dial</c> with a SIP URI, or <c>hangup</c>) and
    /// returns baresip's JSON response.
    /// </summary>
    public async Task<string> CommandAsync(string command, string? parameters = null)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, ControlPort);
        var json = System.Text.Json.JsonSerializer.Serialize(new { command, @params = parameters ?? "", token = "test" });
        var payload = System.Text.Encoding.UTF8.GetBytes(json);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{payload.Length.ToString(CultureInfo.InvariantCulture)}:"));
        await stream.WriteAsync(payload);
        await stream.WriteAsync(","u8.ToArray());
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temp cleanup.
        }
    }
}

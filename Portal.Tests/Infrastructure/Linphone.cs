using System.Globalization;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A Linphone phone (<c>linphonec</c>, Debian <c>linphone-cli</c>) run headless in a temp folder of its own, driven
/// through its standard input. Without a sound card it still runs calls: mediastreamer falls back to no device.
/// Its HOME is that folder, where liblinphone keeps its database: without one writable there the core never
/// starts (no SIP listening point, every call fails with "no channel available").
/// </summary>
public sealed class Linphone : IAsyncDisposable
{
    private readonly string directory;

    private Linphone(string directory, PeerProcess process, int sipPort)
    {
        this.directory = directory;
        Process = process;
        SipPort = sipPort;
    }

    public PeerProcess Process { get; }

    /// <summary>The port Linphone listens on (UDP and TCP) on 127.0.0.1.</summary>
    public int SipPort { get; }

    /// <summary>
    /// Starts linphonec registered as <paramref name="user"/> at the service on 127.0.0.1:<paramref name="servicePort"/>
    /// over <paramref name="transport"/> (udp or tcp); with <paramref name="outboundProxy"/> (a host:port) that proxy
    /// is its server instead, which REGISTERs and calls go to. (liblinphone 5.1 ignores a <c>reg_route</c> in the
    /// configuration file.) It answers incoming calls itself. Returns once registered.
    /// </summary>
    public static async Task<Linphone> StartAsync(string user, string password, int servicePort, string transport = "udp",
        string? outboundProxy = null)
    {
        var directory = Directory.CreateTempSubdirectory("linphone-").FullName;
        var home = Path.Combine(directory, "home");
        Directory.CreateDirectory(Path.Combine(home, ".local", "share", "linphone"));
        var invariant = CultureInfo.InvariantCulture;
        var sipPort = PeerProcess.FreePort();
        var service = $"127.0.0.1:{servicePort.ToString(invariant)}";
        var lines = new List<string>
        {
            "[sip]",
            $"sip_port={sipPort.ToString(invariant)}",
            $"sip_tcp_port={sipPort.ToString(invariant)}",
            "sip_tls_port=0",
            "use_ipv6=0",
            "default_proxy=0",
            "register_only_when_network_is_up=0",
            "inc_timeout=60",
            "[rtp]",
            $"audio_rtp_port={PeerProcess.FreePort().ToString(invariant)}",
            $"video_rtp_port={PeerProcess.FreePort().ToString(invariant)}",
            $"text_rtp_port={PeerProcess.FreePort().ToString(invariant)}",
            "[sound]",
            "echocancellation=0",
            "[video]",
            "enabled=0",
            "automatically_initiate=0",
            "automatically_accept=0",
            "[proxy_0]",
            $"reg_proxy=<sip:{outboundProxy ?? service};transport={transport}>",
            $"reg_identity=sip:{user}@{service}",
            "reg_expires=600",
            "reg_sendregister=1",
            "publish=0",
            "[auth_info_0]",
            $"username={user}",
            $"passwd={password}",
        };
        var config = Path.Combine(directory, "linphonerc");
        await File.WriteAllLinesAsync(config, lines);
        var process = PeerProcess.Start("linphonec", ["-c", config, "-a", "-d", "0"], directory,
            environment: new Dictionary<string, string> { ["HOME"] = home });
        var phone = new Linphone(directory, process, sipPort);
        try
        {
            await phone.WaitUntilRegisteredAsync(TimeSpan.FromSeconds(30));
            return phone;
        }
        catch
        {
            await phone.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Asks linphonec for its registration state until it says <c>registered, identity=…</c> (it prints nothing of
    /// its own accord when a registration succeeds).
    /// </summary>
    private async Task WaitUntilRegisteredAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await CommandAsync("status register");
            try
            {
                await Process.WaitForOutputAsync("registered, identity=", TimeSpan.FromSeconds(1));
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // Not yet: ask again.
            }
        }
    }

    /// <summary>Sends one linphonec command (<c>call …</c>, <c>terminate</c>, <c>transfer …</c>).</summary>
    public Task CommandAsync(string command) => Process.WriteLineAsync(command);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Process.WriteLineAsync("quit");
            await Process.WaitForExitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
        {
            // Gone already, or killed below.
        }

        await Process.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held; the temp folder is cleaned by the OS.
        }
    }
}

using System.Globalization;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Kamailio (Debian <c>kamailio</c>) on a free port of 127.0.0.1, UDP and TCP, with the configuration kept in
/// <c>Portal.Tests/Kamailio/proxy.cfg</c>: an outbound proxy with Record-Route (a phone may also use it as its
/// server: a REGISTER addressed to the proxy goes on to the service), and with <c>path</c> a
/// front proxy that adds Path to REGISTERs (RFC 3327). It logs one line per request it relays
/// (<c>METHOD uri from transport:ip:port route [Route]</c>), which tests read to see the traffic went through it.
/// </summary>
public sealed class Kamailio : IAsyncDisposable
{
    private readonly string directory;

    private Kamailio(string directory, PeerProcess process, int port)
    {
        this.directory = directory;
        Process = process;
        Port = port;
    }

    public PeerProcess Process { get; }

    public int Port { get; }

    /// <summary>Its address as a host:port, for a phone's outbound proxy setting.</summary>
    public string Address => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <param name="servicePort">The service's port on 127.0.0.1, where REGISTERs addressed to the proxy itself go.</param>
    /// <param name="path">Add Path to REGISTERs (a front proxy for the service) as well.</param>
    public static async Task<Kamailio> StartAsync(int servicePort, bool path = false)
    {
        var directory = Directory.CreateTempSubdirectory("kamailio-").FullName;
        var port = PeerProcess.FreePort();
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Kamailio", "proxy.cfg"));
        var config = Path.Combine(directory, "kamailio.cfg");
        await File.WriteAllTextAsync(config, template
            .Replace("@PORT@", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@SERVICE_PORT@", servicePort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        List<string> arguments = ["-f", config, "-DD", "-E", "-m", "32", "-M", "8", "-Y", directory, "-P", Path.Combine(directory, "kamailio.pid")];
        if (path)
        {
            arguments.AddRange(["-A", "WITH_PATH"]);
        }

        var process = PeerProcess.Start("kamailio", arguments, directory);
        var proxy = new Kamailio(directory, process, port);
        try
        {
            // Printed once the sockets are bound; requests that arrive before the workers run wait in their buffers.
            await process.WaitForOutputAsync("SO_RCVBUF is finally", TimeSpan.FromSeconds(20));
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Kamailio with the deployable dispatcher configuration (<c>deploy/kamailio/portal-dispatcher.cfg</c>) in front
    /// of Portal nodes on 127.0.0.1 at <paramref name="nodePorts"/>: the file as shipped, with its listen addresses
    /// and its node list's path replaced, logging each request it relays. It logs <c>Portal node sip:… is down</c> (or <c>up</c>) when a node
    /// stops (or starts again) answering its OPTIONS pings.
    /// </summary>
    public static async Task<Kamailio> StartDispatcherAsync(IReadOnlyList<int> nodePorts)
    {
        var directory = Directory.CreateTempSubdirectory("kamailio-").FullName;
        var port = PeerProcess.FreePort();
        var nodes = Path.Combine(directory, "portal-nodes.list");
        await File.WriteAllLinesAsync(nodes, nodePorts.Select(p => $"1 sip:127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)} 0 0"));
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Kamailio", "portal-dispatcher.cfg"));
        var config = Path.Combine(directory, "kamailio.cfg");
        await File.WriteAllTextAsync(config, template
            .Replace("0.0.0.0:5060", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal)
            .Replace("/etc/kamailio/portal-nodes.list", nodes, StringComparison.Ordinal));
        var process = PeerProcess.Start("kamailio",
            ["-f", config, "-DD", "-E", "-A", "WITH_REQUEST_LOG", "-m", "32", "-M", "8", "-Y", directory, "-P", Path.Combine(directory, "kamailio.pid")],
            directory);
        var proxy = new Kamailio(directory, process, port);
        try
        {
            await process.WaitForOutputAsync("SO_RCVBUF is finally", TimeSpan.FromSeconds(20));
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
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
            // A file still held; the temp folder is cleaned by the OS.
        }
    }
}

using MimeKit;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd) on a free 127.0.0.1 port that keeps every message it accepts
/// in a Maildir of its own. It answers <c>250</c> to DATA only after the message is on disk, so a mail the app
/// has finished sending can be read at once.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly string directory;

    private SmtpServer(string directory, PeerProcess process, int port)
    {
        this.directory = directory;
        Process = process;
        Port = port;
    }

    public PeerProcess Process { get; }

    public int Port { get; }

    public static async Task<SmtpServer> StartAsync()
    {
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("smtp-").FullName;
            var port = PeerProcess.FreePort();
            // -n: stay the current user; -d: print "Server is listening on" once the socket is bound.
            var process = PeerProcess.Start(Python,
                ["-u", "-m", "aiosmtpd", "-n", "-d", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", Path.Combine(directory, "mail")]);
            var server = new SmtpServer(directory, process, port);
            try
            {
                await process.WaitForOutputAsync("Server is listening on", TimeSpan.FromSeconds(20));
                return server;
            }
            catch (TimeoutException) when (attempt < attempts && process.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                // Another process took the port between the check and the bind.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>The messages received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var delivered = Path.Combine(directory, "mail", "new");
        if (!Directory.Exists(delivered))
        {
            return [];
        }

        return [.. new DirectoryInfo(delivered).GetFiles().OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name)
            .Select(f => MimeMessage.Load(f.FullName))];
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
            // Left for the OS to clean from the temp folder.
        }
    }
}

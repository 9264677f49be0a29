using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.Tests.Infrastructure;

/// <summary>Runs a real peer (sipp, sipsak, baresip) as a child process, capturing its output, always cleaned up.</summary>
public sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lazy<string?> verdict;

    private PeerProcess(Process process, Func<string?>? judge)
    {
        this.process = process;
        verdict = new(() => process.HasExited && process.ExitCode == 0 ? judge?.Invoke() : null);
    }

    /// <summary>What the peer printed; after it exited, also why its run is judged a failure despite exit code 0.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return process.HasExited && verdict.Value is { } problem ? $"{output}\n--- judged a failure ---\n{problem}" : output.ToString();
            }
        }
    }

    /// <summary>The peer's exit code; 1 when it exited with 0 but the judge given at start found a problem in what it did.</summary>
    public int ExitCode => process.ExitCode == 0 && verdict.Value is not null ? 1 : process.ExitCode;

    public event Action<string>? LineReceived;

    /// <summary>Completes when the peer exits, for tests that wait on something else but must not outwait a dead peer.</summary>
    public Task Exited => exited.Task;

    /// <summary>
    /// Starts the peer. <paramref name="judge"/>, when given, looks at what the peer left behind once it exited with 0
    /// (its logs) and returns a problem that makes the run a failure, or null.
    /// </summary>
    public static PeerProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, Func<string?>? judge = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var peer = new PeerProcess(process, judge);
        process.OutputDataReceived += (_, e) => peer.Append(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Append(e.Data);
        process.Exited += (_, _) => peer.exited.TrySetResult();
        if (!process.Start())
        {
            throw new InvalidOperationException($"{fileName} did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Runs to completion (or kills it after <paramref name="timeout"/>) and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        string? workingDirectory = null, Func<string?>? judge = null)
    {
        await using var peer = Start(fileName, arguments, workingDirectory, judge);
        await peer.WaitForExitAsync(timeout);
        return (peer.ExitCode, peer.Output);
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(exited.Task, Task.Delay(timeout)) != exited.Task)
        {
            Kill();
            throw new TimeoutException($"{process.StartInfo.FileName} did not finish within {timeout}:\n{Output}");
        }

        // Exited fires before the redirected streams are drained; this waits for them.
        await process.WaitForExitAsync();
    }

    /// <summary>Waits until a line of output contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        }

        LineReceived += OnLine;
        try
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            if (await Task.WhenAny(seen.Task, exited.Task, Task.Delay(timeout)) != seen.Task)
            {
                throw new TimeoutException($"'{text}' did not appear within {timeout}:\n{Output}");
            }
        }
        finally
        {
            LineReceived -= OnLine;
        }
    }

    /// <summary>
    /// A UDP and TCP port free right now on 127.0.0.1, for peers that need one on their command line; with
    /// <paramref name="extraTcpPorts"/>, the TCP ports just above it are free as well (baresip binds one for TLS).
    /// </summary>
    public static int FreePort(int extraTcpPorts = 0)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            if (port + extraTcpPorts <= IPEndPoint.MaxPort && Enumerable.Range(port, extraTcpPorts + 1).All(TcpPortIsFree))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No free port found.");
    }

    private static bool TcpPortIsFree(int port)
    {
        try
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Writes a line to the peer's standard input (a command for linphonec, say).</summary>
    public async Task WriteLineAsync(string line)
    {
        await process.StandardInput.WriteLineAsync(line);
        await process.StandardInput.FlushAsync();
    }

    public void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Nothing more can be done; the OS reaps it.
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        LineReceived?.Invoke(line);
    }
}

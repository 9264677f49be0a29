using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Runs sipp scenarios from EndToEnd/Scenarios against the service; a run passes when sipp exits with 0 and every
/// message it did not expect was a retransmission (see <see cref="UnexpectedMessages"/>).
/// </summary>
public static partial class Sipp
{
    public static string Scenario(string name) => Path.Combine(AppContext.BaseDirectory, "EndToEnd", "Scenarios", name);

    public static Task<(int ExitCode, string Output)> RunAsync(string scenario, int servicePort, string transport = "u1",
        int calls = 1, string? service = null, string? authUser = null, string? authPassword = null, int rate = 10,
        TimeSpan? timeout = null, params string[] extra)
    {
        var arguments = new List<string>
        {
            $"127.0.0.1:{servicePort}",
            "-sf", Scenario(scenario),
            "-i", "127.0.0.1",
            "-p", PeerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "-t", transport,
            "-m", calls.ToString(CultureInfo.InvariantCulture),
            "-r", rate.ToString(CultureInfo.InvariantCulture),
            "-timeout", "30s",
            "-timeout_error",
            "-buff_size", "4194304",
        };
        if (service is not null)
        {
            arguments.AddRange(["-s", service]);
        }

        if (authUser is not null)
        {
            arguments.AddRange(["-au", authUser, "-ap", authPassword ?? ""]);
        }

        arguments.AddRange(extra);
        return RunAndCollectAsync(arguments, timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// A sipp callee (UAS) listening on <paramref name="port"/> of 127.0.0.1; it exits after <paramref name="calls"/>
    /// calls, with exit code 0 when every call went as its scenario says.
    /// </summary>
    /// <remarks><paramref name="transport"/> is sipp's: <c>u1</c> (UDP) or <c>t1</c> (TCP, listening on the same port).</remarks>
    public static PeerProcess StartUas(string scenario, int port, int calls = 1, string transport = "u1", params string[] extra) =>
        Start([
            "-sf", Scenario(scenario), "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", transport,
            "-m", calls.ToString(CultureInfo.InvariantCulture), "-timeout", "80s", "-timeout_error", "-buff_size", "4194304", .. extra,
        ]);

    /// <summary>Starts sipp with <paramref name="arguments"/> plus the error log and the handling of unexpected messages every run gets.</summary>
    public static PeerProcess Start(IEnumerable<string> arguments)
    {
        var (all, logs, errors) = WithLogging(arguments);
        return PeerProcess.Start("sipp", all, logs, judge: () => UnexpectedMessages(errors));
    }

    /// <summary>
    /// What in sipp's error log makes a run fail although sipp exited with 0: messages a call did not expect that
    /// are not retransmissions. The runs do not abort a call on an unexpected message (<c>-default_behaviors
    /// all,-abortunexp</c>), because sipp recognises a retransmission only while it has sent nothing else since the
    /// original: an INVITE retransmitted after its 180 and 200, or the ACK repeated for a retransmitted 200 that
    /// arrives after the BYE, would otherwise end a call the service handled by the book (RFC 3261 §17.1.1.2,
    /// §13.2.2.4) whenever this shared machine delays a message past timer T1. Anything else unexpected still fails.
    /// </summary>
    public static string? UnexpectedMessages(string errorsLog)
    {
        if (!File.Exists(errorsLog))
        {
            return null;
        }

        var problems = UnexpectedMessage().Matches(File.ReadAllText(errorsLog))
            .Where(m => !IsRetransmission(m.Groups["message"].Value))
            .Select(m => $"{m.Groups["where"].Value}, received:\n{m.Groups["message"].Value}")
            .ToList();
        return problems.Count == 0 ? null : "unexpected messages that are not retransmissions:\n" + string.Join("\n", problems);
    }

    /// <summary>An initial INVITE again (no To tag), or an ACK: what a peer repeats when our answer or its ACK crossed a retransmission.</summary>
    private static bool IsRetransmission(string message)
    {
        var lines = message.ReplaceLineEndings("\n").Split('\n');
        if (lines[0].StartsWith("ACK ", StringComparison.Ordinal))
        {
            return true;
        }

        var to = lines.FirstOrDefault(l => l.StartsWith("To:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("t:", StringComparison.Ordinal));
        return lines[0].StartsWith("INVITE ", StringComparison.Ordinal) && to is not null && !to.Contains(";tag=", StringComparison.OrdinalIgnoreCase);
    }

    private static (List<string> Arguments, string LogDirectory, string ErrorsLog) WithLogging(IEnumerable<string> arguments)
    {
        var logs = Directory.CreateTempSubdirectory("sipp-").FullName;
        var errors = Path.Combine(logs, "errors.log");
        return ([.. arguments, "-nostdin", "-trace_err", "-error_file", errors, "-default_behaviors", "all,-abortunexp"], logs, errors);
    }

    private static async Task<(int ExitCode, string Output)> RunAndCollectAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var (all, logs, errors) = WithLogging(arguments);
        var (exitCode, output) = await PeerProcess.RunAsync("sipp", all, timeout, logs, judge: () => UnexpectedMessages(errors));
        if (File.Exists(errors))
        {
            output += "\n--- sipp errors ---\n" + await File.ReadAllTextAsync(errors);
        }

        return (exitCode, output);
    }

    [GeneratedRegex(@"(?:Continuing|Aborting) call on unexpected message for Call-Id '[^']*': (?<where>[^\n]*?), received '(?<message>[^']*)'")]
    private static partial Regex UnexpectedMessage();
}

namespace Portal.Tests.Infrastructure;

/// <summary>Runs a sipp scenario from EndToEnd/Scenarios against the service; exit code 0 means every call passed.</summary>
public static class Sipp
{
    public static string Scenario(string name) => Path.Combine(AppContext.BaseDirectory, "EndToEnd", "Scenarios", name);

    public static Task<(int ExitCode, string Output)> RunAsync(string scenario, int servicePort, string transport = "u1",
        int calls = 1, string? service = null, string? authUser = null, string? authPassword = null, int rate = 10,
        TimeSpan? timeout = null, params string[] extra)
    {
        var logDirectory = Directory.CreateTempSubdirectory("sipp-").FullName;
        var arguments = new List<string>
        {
            $"127.0.0.1:{servicePort}",
            "-sf", Scenario(scenario),
            "-i", "127.0.0.1",
            "-p", PeerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", transport,
            "-m", calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-timeout", "30s",
            "-timeout_error",
            "-nostdin",
            "-trace_err",
            "-error_file", Path.Combine(logDirectory, "errors.log"),
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
        return RunAndCollectAsync(arguments, logDirectory, timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// A sipp callee (UAS) listening on <paramref name="port"/> of 127.0.0.1; it exits after <paramref name="calls"/>
    /// calls, with exit code 0 when every call went as its scenario says.
    /// </summary>
    public static PeerProcess StartUas(string scenario, int port, int calls = 1, params string[] extra)
    {
        var logs = Directory.CreateTempSubdirectory("sipp-uas-").FullName;
        return PeerProcess.Start("sipp",
        [
            "-sf", Scenario(scenario), "-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "u1",
            "-m", calls.ToString(System.Globalization.CultureInfo.InvariantCulture), "-timeout", "80s", "-timeout_error", "-nostdin", "-trace_err",
            "-error_file", Path.Combine(logs, "errors.log"), "-buff_size", "4194304", .. extra,
        ], logs);
    }

    private static async Task<(int ExitCode, string Output)> RunAndCollectAsync(List<string> arguments, string logDirectory, TimeSpan timeout)
    {
        var (exitCode, output) = await PeerProcess.RunAsync("sipp", arguments, timeout, logDirectory);
        var errors = Path.Combine(logDirectory, "errors.log");
        if (File.Exists(errors))
        {
            output += "\n--- sipp errors ---\n" + await File.ReadAllTextAsync(errors);
        }

        return (exitCode, output);
    }
}

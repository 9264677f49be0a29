using System.CommandLine;

namespace Portal.Cli;

/// <summary>
/// The admin commands of DESIGN §8, run by the web app binary instead of the server:
/// <c>Portal user add …</c>. Configuration overrides such as <c>--ConnectionStrings:Portal=…</c> go to the
/// host, everything else to the command parser.
/// </summary>
public static class AdminCommandLine
{
    private static readonly HashSet<string> HelpOptions = ["--help", "-h", "-?"];

    /// <summary>
    /// Whether the arguments ask for a command rather than the server. Any first word is one (an unknown word is
    /// then refused by the parser with what is wrong, instead of starting the server by surprise); host options
    /// (<c>--urls …</c>) and <c>key=value</c> settings start the server.
    /// </summary>
    public static bool IsCommand(IReadOnlyList<string> commandArgs) =>
        commandArgs.Count > 0
        && (HelpOptions.Contains(commandArgs[0])
            || (!commandArgs[0].StartsWith('-') && !commandArgs[0].Contains('=', StringComparison.Ordinal)));

    /// <summary>Separates <c>--Section:Key=value</c> (or <c>--Section:Key value</c>) configuration from command words.</summary>
    public static (string[] ConfigArgs, string[] CommandArgs) Split(string[] args)
    {
        var config = new List<string>();
        var command = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var key = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..].Split('=', 2)[0] : "";
            if (key.Contains(':', StringComparison.Ordinal))
            {
                config.Add(arg);
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
                {
                    config.Add(args[++i]);
                }
            }
            else
            {
                command.Add(arg);
            }
        }

        return (config.ToArray(), command.ToArray());
    }

    public static async Task<int> RunAsync(IServiceProvider services, string[] commandArgs, TextWriter output, TextWriter error)
    {
        var commands = new AdminCommands(services, output, error);
        var root = new RootCommand("Portal admin commands. Without a command, Portal starts the web portal and the SIP service.")
        {
            commands.UserCommand(),
            commands.SipAccountCommand(),
            commands.ProviderCommand(),
            commands.DialplanCommand(),
            commands.KeyCommand(),
            commands.CallsCommand(),
            commands.DatabaseCommand(),
        };
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await root.Parse(commandArgs).InvokeAsync(configuration);
    }
}

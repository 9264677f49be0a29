using System.CommandLine;
using Portal.Services;

namespace Portal.Cli;

/// <summary><c>provider add</c> and <c>provider list</c>: an owner's SIP providers, through <see cref="ProviderService"/>.</summary>
internal sealed partial class AdminCommands
{
    public Command ProviderCommand()
    {
        var owner = new Argument<string>("owner") { Description = "The portal user who owns the provider" };
        var name = new Argument<string>("name") { Description = "Provider name, the host in dial strings (15551234@name)" };
        var server = new Option<string>("--server") { Description = "The provider's SIP server: HOST[:PORT] or a sip: URI", Required = true };
        var username = new Option<string?>("--username") { Description = "The user name the provider gave you" };
        var password = new Option<string?>("--password") { Description = "Its password (stored encrypted)" };
        var fromUser = new Option<string?>("--from-user") { Description = "From user for calls out through it (some providers want the account number)" };
        var register = new Option<bool>("--register") { Description = "Keep a registration with the provider, so it can send calls in" };
        var expiry = new Option<int>("--register-expiry") { Description = "Registration interval in seconds (60 to 86400)", DefaultValueFactory = _ => 3600 };
        var inDialplan = new Option<string?>("--in-dialplan") { Description = "Dialplan for calls the provider sends in (needs --register)" };
        var add = new Command("add", "Create a SIP provider (trunk)") { owner, name, server, username, password, fromUser, register, expiry, inDialplan };
        add.SetAction((result, ct) => RunAsync(async scope =>
        {
            var caller = await OwnerAsync(scope, result.GetValue(owner)!);
            var provider = await scope.GetRequiredService<ProviderService>().CreateAsync(caller, new ProviderInput
            {
                Name = result.GetValue(name)!,
                Server = result.GetValue(server)!,
                AuthUsername = result.GetValue(username),
                Password = result.GetValue(password),
                FromUser = result.GetValue(fromUser),
                Register = result.GetValue(register),
                RegisterExpirySeconds = result.GetValue(expiry),
                InDialplanName = result.GetValue(inDialplan),
            }, ct);
            await output.WriteLineAsync($"Created provider {provider.Name} ({provider.ServerUri}) for {caller.UserName}"
                + (provider.Register ? $"; registering as {provider.ContactToken}" : "")
                + (provider.InDialplanName is { } dialplan ? $", its calls in run dialplan {dialplan}." : "."));
        }));

        var listOwner = new Argument<string>("owner") { Description = "The portal user whose providers are listed" };
        var list = new Command("list", "List a user's providers and their registration status") { listOwner };
        list.SetAction((result, ct) => RunAsync(async scope =>
        {
            var caller = await OwnerAsync(scope, result.GetValue(listOwner)!);
            var providers = await scope.GetRequiredService<ProviderService>().ListAsync(caller, ct);
            if (providers.Count == 0)
            {
                await output.WriteLineAsync($"{caller.UserName} has no providers.");
                return;
            }

            await output.WriteLineAsync($"{"NAME",-20} {"SERVER",-32} {"USER",-16} {"REGISTRATION",-40} IN DIALPLAN");
            foreach (var p in providers)
            {
                var registration = p.Register ? $"{p.RegistrationState}{Registration(p)} as {p.ContactToken}" : "off";
                await output.WriteLineAsync($"{p.Name,-20} {p.ServerUri,-32} {p.AuthUsername ?? "-",-16} {registration,-40} {p.InDialplanName ?? "-"}");
            }
        }));
        return new Command("provider", "Manage SIP providers (trunks)") { add, list };
    }

    private static string Registration(ProviderSummary provider) => provider switch
    {
        { RegisteredUntil: { } until, RegistrationState: Data.Entities.ProviderRegistrationState.Registered } =>
            $" until {until.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC",
        { RegistrationError: { } error } => $" ({error})",
        _ => "",
    };
}

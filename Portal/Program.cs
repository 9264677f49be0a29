using Portal;
using Portal.Api;
using Portal.Cli;
using Portal.Components;
using Portal.Components.Account;
using Portal.Health;
using Portal.Observability;
using Portal.Services;

var (configArgs, commandArgs) = AdminCommandLine.Split(args);
var isCommand = AdminCommandLine.IsCommand(commandArgs);

var builder = WebApplication.CreateBuilder(isCommand ? configArgs : args);
if (isCommand)
{
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
}

builder.AddPortal();
var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<PortalDatabaseInitializer>().InitializeAsync();
}

if (isCommand)
{
    return await AdminCommandLine.RunAsync(app.Services, commandArgs, Console.Out, Console.Error);
}

if (app.Environment.IsDevelopment())
{
    app.UseMigrationsEndPoint();
}
else
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
// The call manager API answers on plain HTTP too (DESIGN §7): voice-app platforms have failed on certificates.
// So do the health endpoints, which probes and load balancers call, and /metrics, which Prometheus scrapes.
app.UseWhen(context => !CallManagerApi.Serves(context.Request.Path) && !HealthEndpoints.Serves(context.Request.Path)
    && !MetricsEndpoint.Serves(context.Request.Path), portal =>
{
    if (!app.Environment.IsDevelopment())
    {
        portal.UseHsts();
    }

    portal.UseHttpsRedirection();
});
// Explicit, so that they run again when a status code page is re-executed: the not-found page carries
// authorization metadata, and without them an unknown address answered 500.
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();
app.MapAdditionalIdentityEndpoints();
app.MapCallHistoryApi();
app.MapCallTraceApi();
app.MapAuditApi();
app.MapCallManagerApi();
app.MapPortalHealthChecks();
app.MapPortalMetrics();

await app.RunAsync();
return 0;

/// <summary>The entry point, public so the test host can start the real app.</summary>
public partial class Program;

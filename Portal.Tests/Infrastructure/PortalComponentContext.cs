using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Portal.Services;
using Portal.Sip.Hosting;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The one bUnit setup every component test uses: MudBlazor services, loose JS interop, a signed-in caller,
/// and the portal's real services over a <see cref="PortalTestHost"/> database.
/// </summary>
public sealed class PortalComponentContext : BunitContext
{
    private readonly BunitAuthorizationContext authorization;

    public PortalComponentContext(PortalTestHost host)
    {
        Host = host;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(host.Get<SipAccountService>());
        Services.AddSingleton(host.Get<DialplanService>());
        Services.AddSingleton(host.Get<CallManagerKeyService>());
        Services.AddSingleton(host.Get<ProviderService>());
        Services.AddSingleton(host.Get<LiveCallService>());
        Services.AddSingleton(host.Get<CallTraceService>());
        Services.AddSingleton(host.Get<IOptions<SipOptions>>());
        Services.AddSingleton(host.Get<RegistrationService>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(host.Get<IConfiguration>());
        Services.AddSingleton(host.Get<Portal.SipIntegration.SipRegistrationEvents>());
        Services.AddSingleton(host.Get<Portal.SipIntegration.ProviderStatusEvents>());
        Services.AddScoped(_ => host.Services.CreateScope().ServiceProvider.GetRequiredService<UserAdminService>());
        Services.AddScoped<CurrentCaller>();
        authorization = this.AddAuthorization();
    }

    public PortalTestHost Host { get; }

    public void SignIn(PortalCaller caller)
    {
        authorization.SetAuthorized(caller.UserName);
        if (caller.IsAdmin)
        {
            authorization.SetRoles(PortalCaller.AdminRole);
        }

        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, caller.UserId));
    }

    /// <summary>Renders a page together with the MudBlazor providers its dialogs and popovers need.</summary>
    public IRenderedComponent<MudProviders> RenderWithProviders<TPage>(Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : IComponent =>
        Render<MudProviders>(p => p.AddChildContent<TPage>(page => parameters?.Invoke(page)));

    /// <summary>The input element of a MudBlazor field rendered with <c>id</c>.</summary>
    public static AngleSharp.Dom.IElement Input<T>(IRenderedComponent<T> cut, string id) where T : IComponent
    {
        var element = cut.Find($"#{id}");
        return element.TagName is "INPUT" or "TEXTAREA" ? element : element.QuerySelector("input, textarea")!;
    }
}

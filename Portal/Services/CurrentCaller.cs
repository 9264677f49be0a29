using Microsoft.AspNetCore.Components.Authorization;

namespace Portal.Services;

/// <summary>The signed-in user of this circuit as a <see cref="PortalCaller"/>, read fresh from the auth state.</summary>
public sealed class CurrentCaller(AuthenticationStateProvider authenticationStateProvider)
{
    public async Task<PortalCaller> GetAsync()
    {
        var state = await authenticationStateProvider.GetAuthenticationStateAsync();
        return PortalCaller.FromPrincipal(state.User)
            ?? throw new UnauthorizedAccessException("Sign in to use the portal.");
    }
}

using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Portal.Data.Entities;
using Portal.Mail;

namespace Portal.Components.Account;

/// <summary>
/// The account pages' mails: makes the token, builds the link and sends it. Pages ask <see cref="CanSend"/>
/// first, so without a mail server they say so instead of claiming a mail went out. Links are built on
/// <c>Portal:PublicBaseUrl</c>, never on the request's Host header, which whoever asks for a reset chooses.
/// </summary>
internal sealed class AccountMail(
    UserManager<PortalUser> userManager,
    IEmailSender<PortalUser> sender,
    IOptions<SmtpOptions> smtp,
    IConfiguration configuration,
    NavigationManager navigation)
{
    /// <summary>The sentence every page shows when there is no mail server.</summary>
    public const string NotConfiguredMessage =
        "This service cannot send mail: no mail server is configured, so no link will be sent.";

    public bool CanSend => smtp.Value.IsConfigured;

    /// <summary>Sends the link that confirms <paramref name="email"/>; false when the mail server refused or was unreachable (logged).</summary>
    public async Task<bool> SendConfirmationAsync(PortalUser user, string email, string? returnUrl = null)
    {
        var code = Encode(await userManager.GenerateEmailConfirmationTokenAsync(user));
        var link = Link("Account/ConfirmEmail", new() { ["userId"] = user.Id, ["code"] = code, ["returnUrl"] = returnUrl });
        return await TrySendAsync(() => sender.SendConfirmationLinkAsync(user, email, HtmlEncoder.Default.Encode(link)));
    }

    /// <summary>Sends the link that makes <paramref name="newEmail"/> the user's address, to that new address.</summary>
    public async Task<bool> SendEmailChangeAsync(PortalUser user, string newEmail)
    {
        var code = Encode(await userManager.GenerateChangeEmailTokenAsync(user, newEmail));
        var link = Link("Account/ConfirmEmailChange", new() { ["userId"] = user.Id, ["email"] = newEmail, ["code"] = code });
        return await TrySendAsync(() => sender.SendConfirmationLinkAsync(user, newEmail, HtmlEncoder.Default.Encode(link)));
    }

    public async Task<bool> SendPasswordResetAsync(PortalUser user, string email)
    {
        var code = Encode(await userManager.GeneratePasswordResetTokenAsync(user));
        var link = Link("Account/ResetPassword", new() { ["code"] = code });
        return await TrySendAsync(() => sender.SendPasswordResetLinkAsync(user, email, HtmlEncoder.Default.Encode(link)));
    }

    private string Link(string path, Dictionary<string, object?> query)
    {
        var configured = configuration["Portal:PublicBaseUrl"];
        var baseUri = string.IsNullOrWhiteSpace(configured) ? navigation.BaseUri : configured.Trim().TrimEnd('/') + "/";
        return navigation.GetUriWithQueryParameters(new Uri(new Uri(baseUri), path).AbsoluteUri, query);
    }

    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    private static async Task<bool> TrySendAsync(Func<Task> send)
    {
        try
        {
            await send();
            return true;
        }
        catch (MailNotSentException)
        {
            // The sender logged why; the page tells the user without the server's details.
            return false;
        }
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Components.Account;
using Portal.Data.Entities;

namespace Portal.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// The SMTP sender for Identity's mails, and the checks that refuse to start the server with settings that
    /// could only end in mails never sent or links pointing elsewhere. Admin commands run without the checks.
    /// </summary>
    public static IServiceCollection AddAccountMail(this IServiceCollection services, IConfiguration configuration)
    {
        var requireConfirmedEmail = configuration.GetValue("Portal:RequireConfirmedEmail", false);
        var publicBaseUrl = configuration["Portal:PublicBaseUrl"];
        services.AddOptions<SmtpOptions>()
            .Bind(configuration.GetSection(SmtpOptions.SectionName))
            .Validate(smtp => smtp.IsConfigured || !requireConfirmedEmail,
                "Portal:RequireConfirmedEmail is on but no mail server is configured (Smtp:Host): nobody could confirm an address. " +
                "Set Smtp:Host and Smtp:From, or turn Portal:RequireConfirmedEmail off.")
            .Validate(smtp => !smtp.IsConfigured || MimeKit.MailboxAddress.TryParse(smtp.From, out _),
                "Smtp:From must be a mail address, e.g. 'Portal <portal@example.com>', when Smtp:Host is set.")
            .Validate(smtp => smtp.Port is > 0 and <= 65535, "Smtp:Port must be from 1 to 65535.")
            .Validate(smtp => !smtp.IsConfigured || Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https",
                "Set Portal:PublicBaseUrl (e.g. https://portal.example.com) when Smtp:Host is set: links in mails are built on it, " +
                "never on the Host header of whoever asked for the mail.")
            .ValidateOnStart();
        services.AddSingleton<IEmailSender<PortalUser>, SmtpEmailSender>();
        services.AddScoped<AccountMail>();
        return services;
    }
}

using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Data.Entities;

namespace Portal.Mail;

/// <summary>
/// Identity's mail sender over SMTP (MailKit): confirmation, password-reset and email-change links. One
/// connection per mail: account mails are rare, and a relay that restarted in between costs nothing.
/// </summary>
public sealed partial class SmtpEmailSender(IOptions<SmtpOptions> options, ILogger<SmtpEmailSender> logger) : IEmailSender<PortalUser>
{
    // MailKit waits two minutes by default; a page should not hang that long on a dead relay.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public Task SendConfirmationLinkAsync(PortalUser user, string email, string confirmationLink) =>
        SendAsync(user, email, "Confirm your email address",
            $"Hello {user.UserName},\n\nOpen this link to confirm {email} for your account:\n\n{Decode(confirmationLink)}\n\n" +
            "If you did not ask for this, ignore this mail.",
            $"<p>Hello {Html(user.UserName)},</p><p>Open this link to confirm {Html(email)} for your account:</p>" +
            $"<p><a href=\"{confirmationLink}\">Confirm my email address</a></p><p>If you did not ask for this, ignore this mail.</p>");

    public Task SendPasswordResetLinkAsync(PortalUser user, string email, string resetLink) =>
        SendAsync(user, email, "Reset your password",
            $"Hello {user.UserName},\n\nSomeone, hopefully you, asked to reset the password of your account. Open this link to choose a new one:\n\n" +
            $"{Decode(resetLink)}\n\nIf you did not ask for this, ignore this mail: your password stays as it is.",
            $"<p>Hello {Html(user.UserName)},</p><p>Someone, hopefully you, asked to reset the password of your account.</p>" +
            $"<p><a href=\"{resetLink}\">Choose a new password</a></p><p>If you did not ask for this, ignore this mail: your password stays as it is.</p>");

    public Task SendPasswordResetCodeAsync(PortalUser user, string email, string resetCode) =>
        SendAsync(user, email, "Reset your password",
            $"Hello {user.UserName},\n\nYour password reset code is: {resetCode}\n\nIf you did not ask for this, ignore this mail.",
            $"<p>Hello {Html(user.UserName)},</p><p>Your password reset code is: <b>{Html(resetCode)}</b></p><p>If you did not ask for this, ignore this mail.</p>");

    /// <summary>The MailKit choice for <c>Smtp:Security</c>; see <see cref="SmtpSecurity.Auto"/>.</summary>
    public static SecureSocketOptions SocketOptions(SmtpOptions smtp) => smtp.Security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.Auto when smtp.Port == 465 => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.Auto when !string.IsNullOrEmpty(smtp.User) => SecureSocketOptions.StartTls,
        SmtpSecurity.Auto => SecureSocketOptions.None,
        _ => throw new ArgumentOutOfRangeException(nameof(smtp), smtp.Security, "Unknown Smtp:Security."),
    };

    private async Task SendAsync(PortalUser user, string email, string subject, string text, string html)
    {
        var smtp = options.Value;
        if (!smtp.IsConfigured)
        {
            throw new InvalidOperationException("No mail server is configured (Smtp:Host); the pages check before sending.");
        }

        try
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(smtp.From ?? ""));
            message.To.Add(MailboxAddress.Parse(email));
            message.Subject = subject;
            message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();

            using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
            using var deadline = new CancellationTokenSource(Timeout);
            await client.ConnectAsync(smtp.Host!, smtp.Port, SocketOptions(smtp), deadline.Token);
            if (!string.IsNullOrEmpty(smtp.User))
            {
                await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", deadline.Token);
            }

            await client.SendAsync(message, deadline.Token);
            await client.DisconnectAsync(quit: true, deadline.Token);
            LogSent(logger, subject, user.UserName);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ProtocolException or CommandException
                                       or MailKit.Security.AuthenticationException or ParseException or OperationCanceledException
                                       or NotSupportedException)
        {
            LogNotSent(logger, ex, subject, user.UserName, smtp.Host, smtp.Port);
            throw new MailNotSentException($"The mail \"{subject}\" was not sent: {ex.Message}", ex);
        }
    }

    private static string Decode(string htmlEncodedLink) => WebUtility.HtmlDecode(htmlEncodedLink);

    private static string Html(string? text) => WebUtility.HtmlEncode(text ?? "");

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent the mail \"{Subject}\" to user {UserName}")]
    private static partial void LogSent(ILogger logger, string subject, string? userName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not send the mail \"{Subject}\" to user {UserName} through {Host}:{Port}")]
    private static partial void LogNotSent(ILogger logger, Exception exception, string subject, string? userName, string? host, int port);
}

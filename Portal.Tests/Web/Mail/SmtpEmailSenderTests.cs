using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Data.Entities;
using Portal.Mail;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Mail;

public sealed class SmtpEmailSenderTests
{
    private static readonly PortalUser Alice = new() { UserName = "alice", Email = "alice@example.test" };

    [Theory]
    [InlineData(SmtpSecurity.Auto, 25, null, SecureSocketOptions.None)]
    [InlineData(SmtpSecurity.Auto, 587, "portal", SecureSocketOptions.StartTls)]
    [InlineData(SmtpSecurity.Auto, 465, null, SecureSocketOptions.SslOnConnect)]
    [InlineData(SmtpSecurity.None, 587, "portal", SecureSocketOptions.None)]
    [InlineData(SmtpSecurity.StartTls, 25, null, SecureSocketOptions.StartTls)]
    [InlineData(SmtpSecurity.Tls, 2465, null, SecureSocketOptions.SslOnConnect)]
    public void SocketOptions_FollowSmtpSecurity_AndNeverSendALoginInClearByDefault(SmtpSecurity security, int port, string? user,
        SecureSocketOptions expected)
    {
        Assert.Equal(expected, SmtpEmailSender.SocketOptions(new SmtpOptions { Security = security, Port = port, User = user }));
    }

    [Fact]
    public async Task ResetLink_ReachesTheServer_WithTheLinkReadableInTextAndHtml()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var sender = Sender(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, From = "portal@example.test" });

        await sender.SendPasswordResetLinkAsync(Alice, "alice@example.test", "https://portal.example.test/Account/ResetPassword?code=abc&amp;x=1");

        var mail = Assert.Single(smtp.Messages());
        Assert.Contains("https://portal.example.test/Account/ResetPassword?code=abc&x=1", mail.TextBody);
        Assert.Contains("href=\"https://portal.example.test/Account/ResetPassword?code=abc&amp;x=1\"", mail.HtmlBody);
    }

    [Fact]
    public async Task LoginSet_ServerWithoutStartTls_MailIsNotSentAndThePasswordNeverCrosses()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var sender = Sender(new SmtpOptions
        {
            Host = "127.0.0.1", Port = smtp.Port, From = "portal@example.test", User = "portal", Password = "relay-password",
        });

        var refused = await Assert.ThrowsAsync<MailNotSentException>(() =>
            sender.SendPasswordResetLinkAsync(Alice, "alice@example.test", "https://portal.example.test/Account/ResetPassword?code=abc"));

        Assert.Contains("STARTTLS", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(smtp.Messages());
        Assert.DoesNotContain("relay-password", smtp.Process.Output);
    }

    private static SmtpEmailSender Sender(SmtpOptions options) => new(Options.Create(options), NullLogger<SmtpEmailSender>.Instance);
}

using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Account;

/// <summary>The account pages' mails through a real SMTP server, and what the pages say without one.</summary>
public sealed partial class AccountMailTests
{
    private const string BaseUrl = "http://localhost";

    private static PortalWebFactory WithMail(SmtpServer smtp) => new PortalWebFactory()
        .With("Smtp:Host", "127.0.0.1")
        .With("Smtp:Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Smtp:From", "Portal <portal@example.test>")
        .With("Portal:PublicBaseUrl", BaseUrl);

    [Fact]
    public async Task ForgotPassword_WithSmtp_MailsALinkThatSetsANewPasswordToSignInWith()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var factory = WithMail(smtp);
        using var client = factory.CreateClient();
        await CreateConfirmedUserAsync(factory, "alice", "alice-old-password");

        var asked = await StaticForm.SubmitAsync(client, "/Account/ForgotPassword", "forgot-password",
            new Dictionary<string, string> { ["Input.Email"] = "alice@example.test" });
        Assert.Equal("/Account/ForgotPasswordConfirmation", asked.RequestMessage!.RequestUri!.AbsolutePath);

        var mail = Assert.Single(smtp.Messages());
        Assert.Equal("alice@example.test", Assert.Single(mail.To.Mailboxes).Address);
        Assert.Equal("portal@example.test", Assert.Single(mail.From.Mailboxes).Address);
        Assert.Equal("Reset your password", mail.Subject);
        var link = LinkIn(mail, "/Account/ResetPassword");

        var reset = await StaticForm.SubmitAsync(client, link, "reset-password", new Dictionary<string, string>
        {
            ["Input.Email"] = "alice@example.test",
            ["Input.Password"] = "alice-new-password",
            ["Input.ConfirmPassword"] = "alice-new-password",
        });
        Assert.Equal("/Account/ResetPasswordConfirmation", reset.RequestMessage!.RequestUri!.AbsolutePath);

        Assert.Contains("Invalid login attempt", await (await SignInAsync(factory, "alice", "alice-old-password")).Content.ReadAsStringAsync());
        var signedIn = await SignInAsync(factory, "alice", "alice-new-password");
        Assert.Equal("/", signedIn.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain("Invalid login attempt", await signedIn.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ForgotPassword_UnknownAddress_SameAnswerAndNoMail()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var factory = WithMail(smtp);
        using var client = factory.CreateClient();

        var asked = await StaticForm.SubmitAsync(client, "/Account/ForgotPassword", "forgot-password",
            new Dictionary<string, string> { ["Input.Email"] = "nobody@example.test" });

        Assert.Equal("/Account/ForgotPasswordConfirmation", asked.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Empty(smtp.Messages());
    }

    [Fact]
    public async Task Register_WithSmtpAndConfirmationRequired_MailsALinkThatConfirmsTheAddress()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var factory = WithMail(smtp).With("Portal:RequireConfirmedEmail", "true");
        using var client = factory.CreateClient();

        var registered = await StaticForm.SubmitAsync(client, "/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.UserName"] = "bob",
            ["Input.Email"] = "bob@example.test",
            ["Input.Password"] = "bob-password-1",
            ["Input.ConfirmPassword"] = "bob-password-1",
        });
        Assert.Equal("/Account/RegisterConfirmation", registered.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("A link to confirm bob@example.test is on its way", await registered.Content.ReadAsStringAsync());
        Assert.Contains("Invalid login attempt", await (await SignInAsync(factory, "bob", "bob-password-1")).Content.ReadAsStringAsync());

        var mail = Assert.Single(smtp.Messages());
        Assert.Equal("bob@example.test", Assert.Single(mail.To.Mailboxes).Address);
        var confirmed = await client.GetAsync(LinkIn(mail, "/Account/ConfirmEmail"));

        Assert.Contains("Thank you for confirming your email.", await confirmed.Content.ReadAsStringAsync());
        Assert.Equal("/", (await SignInAsync(factory, "bob", "bob-password-1")).RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task EmailChange_MailServerUnreachable_SaysTheMailWasNotSent()
    {
        await using var factory = new PortalWebFactory()
            .With("Smtp:Host", "127.0.0.1")
            .With("Smtp:Port", PeerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Smtp:From", "portal@example.test")
            .With("Portal:PublicBaseUrl", BaseUrl);
        await CreateConfirmedUserAsync(factory, "alice", "alice-password");
        using var client = factory.CreateClient();
        await StaticForm.SubmitAsync(client, "/Account/Login", "login",
            new Dictionary<string, string> { ["Input.Login"] = "alice", ["Input.Password"] = "alice-password" });

        var changed = await StaticForm.SubmitAsync(client, "/Account/Manage/Email", "change-email",
            new Dictionary<string, string> { ["Input.NewEmail"] = "alice@new.example.test" });

        var html = await changed.Content.ReadAsStringAsync();
        Assert.Contains("the mail could not be sent just now", html);
        Assert.DoesNotContain("is on its way", html);
    }

    [Fact]
    public async Task WithoutSmtp_RecoveryPages_SayNoMailIsSentAndOfferNoForm()
    {
        await using var factory = new PortalWebFactory();
        await CreateConfirmedUserAsync(factory, "alice", "alice-password");
        using var client = factory.CreateClient();

        foreach (var page in new[] { "/Account/ForgotPassword", "/Account/ResendEmailConfirmation" })
        {
            var html = await client.GetStringAsync(page);
            Assert.Contains("no mail server is configured, so no link will be sent", html);
            Assert.DoesNotContain("<form", html);
        }

        Assert.Contains("Ask an administrator to reset your password", await client.GetStringAsync("/Account/ForgotPassword"));
        await StaticForm.SubmitAsync(client, "/Account/Login", "login",
            new Dictionary<string, string> { ["Input.Login"] = "alice", ["Input.Password"] = "alice-password" });
        var email = await client.GetStringAsync("/Account/Manage/Email");
        Assert.Contains("no mail server is configured", email);
        Assert.DoesNotContain("Change email", email);
    }

    [Fact]
    public async Task RequireConfirmedEmail_WithoutSmtp_RefusesToStart()
    {
        await using var factory = new PortalWebFactory().With("Portal:RequireConfirmedEmail", "true");

        var refused = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("Portal:RequireConfirmedEmail is on but no mail server is configured", refused.Message);
    }

    [Fact]
    public async Task Smtp_WithoutPublicBaseUrl_RefusesToStart()
    {
        await using var factory = new PortalWebFactory().With("Smtp:Host", "127.0.0.1").With("Smtp:From", "portal@example.test");

        var refused = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("Set Portal:PublicBaseUrl", refused.Message);
    }

    private static async Task CreateConfirmedUserAsync(PortalWebFactory factory, string userName, string password)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserAccountService>()
            .CreateAsync(userName, $"{userName}@example.test", password, admin: false, actor: "test");
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.True((await users.ConfirmEmailAsync(user, await users.GenerateEmailConfirmationTokenAsync(user))).Succeeded);
    }

    /// <summary>Signs in with a fresh client (no cookies) and returns the page the browser lands on.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(PortalWebFactory factory, string login, string password)
    {
        using var client = factory.CreateClient();
        return await StaticForm.SubmitAsync(client, "/Account/Login", "login",
            new Dictionary<string, string> { ["Input.Login"] = login, ["Input.Password"] = password });
    }

    /// <summary>The link in the mail's text part to <paramref name="path"/> on the public base URL.</summary>
    private static string LinkIn(MimeMessage mail, string path)
    {
        var match = LinkRegex().Matches(mail.TextBody ?? "").SingleOrDefault(m => m.Value.StartsWith(BaseUrl + path + "?", StringComparison.Ordinal));
        Assert.True(match is not null, $"No link to {path} in:\n{mail.TextBody}");
        return match.Value;
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkRegex();
}

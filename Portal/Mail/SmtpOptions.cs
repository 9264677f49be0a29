namespace Portal.Mail;

/// <summary>The mail server account mails go through (<c>Smtp:*</c>). Without a host, no mail is sent.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>Portal &lt;portal@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

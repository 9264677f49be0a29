namespace Portal.Mail;

/// <summary>How the connection to the mail server is protected (<c>Smtp:Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>
    /// TLS from the first byte on port 465; otherwise STARTTLS, required, when a login is set (the password
    /// never crosses in clear); otherwise plain, as a relay on the same machine usually expects.
    /// </summary>
    Auto,

    /// <summary>No TLS: only for a relay on this machine or a trusted network.</summary>
    None,

    /// <summary>STARTTLS, required: the mail is not sent if the server does not offer it (RFC 3207).</summary>
    StartTls,

    /// <summary>TLS from the first byte ("SMTPS", RFC 8314), usually port 465.</summary>
    Tls,
}

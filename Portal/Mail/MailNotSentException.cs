namespace Portal.Mail;

/// <summary>The mail server could not be reached or refused the mail; the inner exception says why.</summary>
public sealed class MailNotSentException(string message, Exception innerException) : Exception(message, innerException);
